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

  // The page is shared through the output cache, so each form gets its request id here (a form the server answered
  // already carries the id it used). randomUUID exists in secure contexts only; without it the server makes the id.
  const requestId = form.querySelector('input[name="Form.RequestId"]');
  const startNewRequest = () => { requestId.value = window.crypto?.randomUUID?.() ?? ''; };
  if (!requestId.value) startNewRequest();

  // Without a chosen time the details are hidden, unless the server is showing errors in them. Back from the answer,
  // the browser may put the patient's time and details back only after this script ran (a page with a live connection
  // is not kept in the back/forward cache, so it is loaded anew and its form refilled): so again on pageshow, and a
  // click on the time already chosen opens them too.
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
  // Back from the answer (the back/forward cache keeps the page as it was sent): the form is ready again, and whatever
  // the patient chooses now is a new booking request, not a retry of the one already answered.
  window.addEventListener('pageshow', event => {
    if (!event.persisted) return;
    button.disabled = false;
    button.textContent = idleText;
    startNewRequest();
  });

  // Switching language loads the page anew, so the chosen time and the typed details go along in this tab's session
  // storage: never in the address, which servers, proxies and browser histories keep. They are taken out on arrival,
  // and only into fields still empty.
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

  // An answer from the server starts where the patient has to act: why the booking failed, the form's message, or the
  // first field in error. Otherwise a screen reader starts at the top of the page and may never hear it.
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
    const input = cell.querySelector('input');
    const bookable = change.state === 'available' || change.state === 'few-left';
    // Cancellations and moves give seats back, so fewer booked is news too. Changes apply in the order they arrive,
    // Watch's answer before the events that came while it was pending, so the last one applied is the newest.
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
  // WebSockets without the negotiate round trip: the connection lives on whichever replica accepts it, so several
  // replicas behind a load balancer need no sticky sessions.
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/availability', { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets })
    .withAutomaticReconnect()
    .build();
  // Watch answers the day's slots as BookingApi has them now: the page may come from the output cache, and whatever
  // changed while it was not connected was sent to no one. Changes that arrive while Watch is pending are applied after
  // its answer: the group is joined before the day is read, so every change after that read still arrives, last.
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
