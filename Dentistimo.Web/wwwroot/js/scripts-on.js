// Run as the body starts, before it is drawn: the page's no-script parts never flash on screen.
document.body.classList.replace('no-js', 'js');
