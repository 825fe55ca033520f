// Home page: the map, the clinic list and the date picker stay in step; the way to booking opens once both are chosen.
(() => {
  'use strict';
  const form = document.getElementById('choose-form');
  if (!form) return;
  const mapElement = document.getElementById('map');
  const mapStatus = document.getElementById('map-status');
  const clinics = JSON.parse(mapElement.dataset.clinics);
  const calendar = document.getElementById('calendar');
  const overviewFree = document.getElementById('overview-free');
  const continueButton = document.getElementById('continue');
  const continueHint = document.getElementById('continue-hint');
  const language = document.documentElement.lang;
  const longDate = new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : 'en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
  const format = (template, ...values) => values.reduce((text, value, i) => text.replace(`{${i}}`, value), template);
  const markers = new Map();
  const languageLinks = document.querySelectorAll('.language-switch a');

  const selectedClinic = () => clinics.find(c => String(c.id) === form.elements.clinic.value);
  const selectedDate = () => form.querySelector('input[name="date"]:checked')?.value ?? '';
  const dateText = iso => longDate.format(new Date(`${iso}T00:00:00Z`));

  // Returns the chosen date if this clinic cannot take it, which is then no longer chosen.
  function markDays(clinic) {
    let dropped = '';
    for (const day of calendar.querySelectorAll('.day')) {
      const input = day.querySelector('input');
      const stateText = day.querySelector('.day-state');
      const [state, free] = clinic ? clinic.days[day.dataset.date] : ['unknown', -1];
      day.className = `day day--${state}`;
      input.disabled = state === 'closed' || state === 'full' || state === 'over';
      if (input.disabled && input.checked) {
        input.checked = false;
        dropped = day.dataset.date;
      }
      stateText.textContent = state === 'closed' ? calendar.dataset.textClosed
        : state === 'over' ? calendar.dataset.textOver
        : state === 'full' ? calendar.dataset.textFull
        : state === 'open' ? (free === 1 ? calendar.dataset.textOneFree : format(calendar.dataset.textFree, free)) : '';
    }
    return dropped;
  }

  function update(droppedDate = '') {
    const clinic = selectedClinic();
    const date = selectedDate();
    document.querySelector('.overview-empty').hidden = !!clinic;
    for (const panel of document.querySelectorAll('[data-overview-for]')) {
      panel.hidden = !clinic || panel.dataset.overviewFor !== String(clinic.id);
    }
    if (!clinic) overviewFree.textContent = '';
    else if (!date) overviewFree.textContent = overviewFree.dataset.textChooseDate;
    else {
      const [state, free] = clinic.days[date];
      const d = overviewFree.dataset;
      overviewFree.textContent = state === 'closed' ? format(d.textClosed, dateText(date))
        : state === 'over' ? format(d.textOver, dateText(date))
        : free === 0 ? format(d.textFull, dateText(date))
        : free === 1 ? format(d.textOneFree, dateText(date)) : format(d.textFree, free, dateText(date));
    }
    for (const [id, marker] of markers) {
      marker.getElement()?.classList.toggle('clinic-pin--selected', clinic?.id === id);
    }
    keepChoiceInLanguageLinks(clinic, date);
    const ready = !!clinic && !!date;
    // aria-disabled, not disabled: a disabled button drops out of the tab order, and a keyboard user tabbing past the
    // dates would never reach it or the hint it points to. The submit handler below refuses it until it is ready.
    continueButton.setAttribute('aria-disabled', String(!ready));
    continueHint.textContent = ready ? format(continueHint.dataset.textReady, clinic.name, dateText(date))
      // Said, not done silently: the patient chose that date and would otherwise wonder where it went.
      : droppedDate ? format(continueHint.dataset.textDateDropped, dateText(droppedDate), clinic.name)
      : continueHint.dataset.textMissing;
  }

  // The other language's page opens with the same clinic and date chosen (neither says anything about the patient).
  function keepChoiceInLanguageLinks(clinic, date) {
    for (const link of languageLinks) {
      const address = new URL(link.href);
      for (const [name, value] of [['clinic', clinic?.id], ['date', date]]) {
        if (value) address.searchParams.set(name, value); else address.searchParams.delete(name);
      }
      link.href = address.pathname + address.search;
    }
  }

  form.addEventListener('change', event => {
    update(event.target.name === 'clinic' ? markDays(selectedClinic()) : '');
  });
  form.addEventListener('submit', event => {
    if (!selectedClinic() || !selectedDate()) event.preventDefault();
  });

  function selectClinic(id) {
    const radio = document.getElementById(`clinic-${id}`);
    radio.checked = true;
    radio.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function showMapProblem() {
    mapStatus.textContent = mapElement.dataset.textTilesFailed;
    mapStatus.hidden = false;
    mapElement.classList.add('map--no-tiles');
  }

  function startMap() {
    if (!window.L) { showMapProblem(); return; }
    mapElement.textContent = '';
    // Leaflet's own zoom buttons are titled in English; these carry the page's language.
    const map = L.map(mapElement, { scrollWheelZoom: false, zoomControl: false }).setView([57.7045, 11.9700], 13);
    L.control.zoom({ zoomInTitle: mapElement.dataset.textZoomIn, zoomOutTitle: mapElement.dataset.textZoomOut }).addTo(map);
    let tilesLoaded = 0;
    let problemShown = false;
    L.tileLayer(mapElement.dataset.tileUrl, {
      maxZoom: 19,
      attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    })
      .on('tileload', () => { tilesLoaded++; })
      .on('tileerror', () => {
        if (tilesLoaded === 0 && !problemShown) { problemShown = true; showMapProblem(); }
      })
      .addTo(map);
    for (const clinic of clinics) {
      const icon = L.divIcon({ className: 'clinic-pin', html: '<span aria-hidden="true"></span>', iconSize: [28, 28], iconAnchor: [14, 28] });
      const title = format(mapElement.dataset.textSelect, clinic.name);
      const marker = L.marker([clinic.latitude, clinic.longitude], { icon, title, alt: title, keyboard: true, riseOnHover: true })
        .bindTooltip(clinic.name, { direction: 'top', offset: [0, -26] })
        .on('click', () => selectClinic(clinic.id))
        .on('keypress', e => { if (e.originalEvent.key === 'Enter' || e.originalEvent.key === ' ') selectClinic(clinic.id); })
        .addTo(map);
      marker.getElement()?.setAttribute('role', 'button');
      marker.getElement()?.setAttribute('aria-label', title);
      marker.getElement()?.setAttribute('data-clinic-pin', clinic.id);
      markers.set(clinic.id, marker);
    }
    if (clinics.length > 0) map.fitBounds(L.latLngBounds(clinics.map(c => [c.latitude, c.longitude])), { padding: [36, 36], maxZoom: 14 });
  }

  startMap();
  update(markDays(selectedClinic()));
})();
