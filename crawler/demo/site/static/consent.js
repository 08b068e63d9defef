(function () {
  var banner = document.getElementById('cookie-consent');
  if (!banner) { return; }
  if (document.cookie.indexOf('hg_consent=') !== -1) { banner.hidden = true; return; }
  banner.addEventListener('click', function (event) {
    var button = event.target.closest('[data-consent]');
    if (!button) { return; }
    document.cookie = 'hg_consent=' + button.getAttribute('data-consent') + ';path=/;max-age=31536000;SameSite=Lax';
    banner.hidden = true;
  });
})();
