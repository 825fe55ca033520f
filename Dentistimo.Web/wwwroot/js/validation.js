// Client-side checks from the data-val-* attributes the server renders, with each message beside its field.
// The server checks the same rules again; this only saves a round trip.
window.dentistimoValidation = (() => {
  'use strict';
  const messageFor = field => document.querySelector(`[data-valmsg-for="${field.name}"]`);

  function check(field) {
    const d = field.dataset;
    if (field.type === 'radio') {
      const chosen = field.form.querySelector(`input[name="${field.name}"]:checked:not(:disabled)`);
      return !chosen && d.valRequired ? d.valRequired : '';
    }
    if (field.type === 'checkbox') return !field.checked && d.valChecked ? d.valChecked : '';
    const value = field.value.trim();
    if (!value) return d.valRequired ?? '';
    if (d.valLengthMax && value.length > Number(d.valLengthMax)) return d.valLength;
    if (d.valRegexPattern && !new RegExp(`^(?:${d.valRegexPattern})$`, 'u').test(field.value)) return d.valRegex;
    return '';
  }

  function show(field, message) {
    const target = messageFor(field);
    if (target) target.textContent = message;
    const group = field.type === 'radio' ? field.form.querySelectorAll(`input[name="${field.name}"]`) : [field];
    for (const member of group) {
      if (message) member.setAttribute('aria-invalid', 'true'); else member.removeAttribute('aria-invalid');
    }
  }

  function validate(form) {
    let firstInvalid = null;
    const seen = new Set();
    for (const field of form.querySelectorAll('[data-val="true"]')) {
      if (seen.has(field.name)) continue;
      seen.add(field.name);
      const message = check(field);
      show(field, message);
      if (message && !firstInvalid) firstInvalid = field.type === 'radio' ? form.querySelector(`input[name="${field.name}"]:not(:disabled)`) ?? field : field;
    }
    return firstInvalid;
  }

  function attach(form, onValid) {
    let submitted = false;
    form.addEventListener('submit', event => {
      const firstInvalid = validate(form);
      submitted = true;
      if (firstInvalid) {
        event.preventDefault();
        firstInvalid.focus();
        return;
      }
      onValid?.(event);
    });
    // After the first try, messages follow the patient's corrections as they type. Not on blur: a message vanishing
    // between mouse down and up moves the page under the pointer, and the click meant for the next field is lost.
    const recheck = event => { if (submitted && event.target.dataset?.val === 'true') show(event.target, check(event.target)); };
    form.addEventListener('input', recheck);
    form.addEventListener('change', event => { if (event.target.type === 'radio' || event.target.type === 'checkbox') recheck(event); });
  }

  return { attach, show };
})();
