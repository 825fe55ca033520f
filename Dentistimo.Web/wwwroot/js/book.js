// Booking page: the form opens once a time is chosen, submits once, and the slot grid follows other people's bookings live.
(() => {
  'use strict';
  const form = document.getElementById('booking-form');
  if (!form) return;
  const grid = document.getElementById('slot-grid');
  const details = document.getElementById('details');
  const announcer = document.getElementById('slot-announcer');
  const liveStatus = document.getElementById('live-status');
  const validation = window.dentistimoValidation;
  const button = document.getElementById('book-button');
  const format = (template, ...values) => values.reduce((text, value, i) => text.replace(`{${i}}`, value), template);
  const chosen = () => form.querySelector('input[name="Form.Start"]:checked');

  // A new page makes its own request id: the one rendered into the output-cached page is shared by everyone served
  // that copy. The server's answer to a form keeps its id, so sending it again is the same request. randomUUID exists
  // in secure contexts only; without it the server makes the id.
  const requestId = form.querySelector('input[name="Form.RequestId"]');
  const startNewRequest = () => { requestId.value = window.crypto?.randomUUID?.() ?? ''; };
  if (form.dataset.answer !== 'true' || !requestId.value) startNewRequest();

  // Back from the answer the browser may refill the chosen time only after this script ran, so again on pageshow.
  const hasErrors = [...details.querySelectorAll('.field-error')].some(e => e.textContent.trim());
  const showDetailsIfChosen = () => { details.hidden = !chosen() && !hasErrors; };
  carryFormAcrossLanguageSwitch();
  showDetailsIfChosen();
  window.addEventListener('pageshow', showDetailsIfChosen);
  grid.addEventListener('click', event => { if (event.target.matches?.('input:checked')) details.hidden = false; });
  focusWhatTheServerSaid();
  grid.addEventListener('change', event => {
    details.hidden = false;
    validation.show(event.target, ''); // a time chosen answers whatever was said about the time
  });

  const idleText = button.textContent;
  validation.attach(form, () => {
    // The request id already makes a second submit harmless; this spares the patient a confusing second answer.
    button.disabled = true;
    button.textContent = button.dataset.textBusy;
  });
  // Back from the answer via the back/forward cache: what the patient chooses now is a new booking request.
  window.addEventListener('pageshow', event => {
    if (!event.persisted) return;
    button.disabled = false;
    button.textContent = idleText;
    startNewRequest();
  });

  // The typed details cross a language switch in session storage, never in the address, which servers, proxies and
  // browser histories keep.
  function carryFormAcrossLanguageSwitch() {
    const key = `dentistimo:booking-form:${form.dataset.clinicId}:${form.dataset.date}`;
    const fields = ['Form.Name', 'Form.Email', 'Form.Phone'];
    for (const link of document.querySelectorAll('.language-switch a')) {
      link.addEventListener('click', () => {
        const carried = {
          start: chosen()?.value ?? '',
          consent: form.elements['Form.Consent'].checked,
          fields: Object.fromEntries(fields.map(name => [name, form.elements[name].value])),
          until: Date.now() + 10 * 60_000,
        };
        try { sessionStorage.setItem(key, JSON.stringify(carried)); } catch { /* storage off: switch without them */ }
      });
    }
    let carried = null;
    try {
      carried = JSON.parse(sessionStorage.getItem(key) ?? 'null');
      sessionStorage.removeItem(key);
    } catch { return; }
    if (!carried || carried.until < Date.now()) return;
    for (const name of fields) {
      const input = form.elements[name];
      if (!input.value && typeof carried.fields?.[name] === 'string') input.value = carried.fields[name];
    }
    if (carried.consent === true) form.elements['Form.Consent'].checked = true;
    const time = [...form.querySelectorAll('input[name="Form.Start"]')].find(input => input.value === carried.start);
    if (time && !time.disabled && !chosen()) time.checked = true;
  }

  // Otherwise a screen reader starts at the top of the page and may never hear what the server said.
  function focusWhatTheServerSaid() {
    const formErrors = document.getElementById('form-errors');
    const target = document.getElementById('rejection')
      ?? (formErrors?.textContent.trim() ? formErrors : null)
      ?? form.querySelector('[aria-invalid="true"]:not(:disabled)');
    target?.focus();
  }

  function showSlot(change) {
    const cell = [...grid.querySelectorAll('.slot')].find(s => Date.parse(s.dataset.start) === Date.parse(change.start));
    if (!cell) return;
    // Changes arrive in any order: one older than what the cell shows is dropped. One without a version (sent before
    // versions existed) is shown as it comes.
    if (change.version != null) {
      if (change.version < Number(cell.dataset.version)) return;
      cell.dataset.version = change.version;
    }
    const input = cell.querySelector('input');
    const bookable = change.state === 'available' || change.state === 'few-left';
    cell.dataset.booked = change.booked;
    // As the server renders it: a time that has passed (or a closed one) since the page was made is just unavailable.
    const state = bookable || change.state === 'full' ? change.state : 'unavailable';
    const text = state === 'full' ? grid.dataset.textFull
      : state === 'unavailable' ? grid.dataset.textUnavailable
      : format(grid.dataset[state === 'few-left' ? 'textFewLeft' : 'textAvailable'], change.free, change.capacity);
    if (cell.className === `slot slot--${state}` && cell.querySelector('.slot-state').textContent === text) return; // nothing new
    cell.className = `slot slot--${state}`;
    cell.querySelector('.shape').className = `shape shape--${state}`;
    cell.querySelector('.slot-state').textContent = text;
    input.disabled = !bookable;
    // Only the patient's own time is announced: each booking of every other time would drown it out.
    if (!input.checked) return;
    if (bookable) {
      announcer.textContent = format(grid.dataset.textChanged, cell.dataset.localTime, text);
    } else {
      const hadFocus = document.activeElement === input;
      input.checked = false;
      const why = state === 'full' ? grid.dataset.textChosenTaken : grid.dataset.textChosenGone;
      validation.show(input, why);
      announcer.textContent = why;
      // A disabled radio loses the focus to the page's top: keep the patient at the times, on the first one still free.
      if (hadFocus) grid.querySelector('input:not(:disabled)')?.focus();
    }
  }

  const showTimesMayBeOutOfDate = () => { liveStatus.textContent = liveStatus.dataset.textOutOfDate; };
  if (!window.signalR) { showTimesMayBeOutOfDate(); return; }
  // Without the negotiate round trip, replicas behind a load balancer need no sticky sessions.
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/availability', { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect()
    .build();
  // Watch catches up a cached page and every reconnection; changes arriving while it is pending are applied after
  // its answer, which was read after joining the group.
  let pending = null;
  const watch = () => {
    pending = [];
    return connection.invoke('Watch', Number(form.dataset.clinicId), form.dataset.date)
      .then(slots => {
        const newer = pending;
        pending = null;
        slots.forEach(showSlot);
        newer.forEach(showSlot);
        liveStatus.textContent = '';
        form.dataset.live = 'true';
      })
      .catch(error => {
        const newer = pending ?? [];
        pending = null;
        newer.forEach(showSlot);
        throw error;
      });
  };
  connection.on('slotChanged', change => { if (pending) pending.push(change); else showSlot(change); });
  // While the connection is down, other people's bookings reach no one: say so until Watch has caught the grid up.
  connection.onreconnecting(() => {
    delete form.dataset.live;
    liveStatus.textContent = liveStatus.dataset.textReconnecting;
  });
  connection.onreconnected(() => watch().catch(showTimesMayBeOutOfDate));
  connection.onclose(showTimesMayBeOutOfDate); // the automatic reconnection has given up
  // The grid still works without the connection; it just no longer follows other people's bookings.
  connection.start().then(watch).catch(showTimesMayBeOutOfDate);
})();
