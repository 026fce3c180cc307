/* dynamics dashboard: figure export and the upload size check (no third-party code). */
(function () {
  function graphDiv(name) {
    var sel = '[id*=\'"name":"' + name + '"\'][id*=\'"type":"figure"\']';
    var host = document.querySelector(sel);
    return host ? host.querySelector('.js-plotly-plot') : null;
  }
  function download(format) {
    return function (n, id) {
      var div = graphDiv(id.name);
      if (n && div && window.Plotly) {
        window.Plotly.downloadImage(div, {format: format, filename: id.name,
                                          width: div.clientWidth, height: div.clientHeight});
      }
      return 'Download this figure as ' + format.toUpperCase();
    };
  }
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    dynamics: {download_png: download('png'), download_svg: download('svg')}
  });

  // dcc.Upload drops files over its max_size without a word: say why, before any transfer.
  // A box with data-max-bytes says it in the element named by its data-message (default: the
  // loader's message), with its data-advice (default: load the file by path).
  function checkSize(files, target) {
    var box = target && target.closest ? target.closest('[data-max-bytes]') : null;
    if (!box || !files || !files.length) { return; }
    var limit = Number(box.getAttribute('data-max-bytes'));
    var where = box.getAttribute('data-message') || 'load-message';
    var advice = box.getAttribute('data-advice') ||
      'put it in a --data-dir directory and load it by path instead';
    for (var i = 0; i < files.length; i++) {
      if (limit && files[i].size > limit) {
        var msg = files[i].name + ' is larger than the upload limit of ' +
          (limit / 1048576).toFixed(1) + ' MB; ' + advice;
        window.dash_clientside.set_props(where, {children: msg});
      }
    }
  }
  document.addEventListener('change', function (e) {
    if (e.target && e.target.files) { checkSize(e.target.files, e.target); }
  }, true);
  document.addEventListener('drop', function (e) {
    if (e.dataTransfer) { checkSize(e.dataTransfer.files, e.target); }
  }, true);
})();

/* A clickable row of a table that is one component (components.text_table): a click puts the
   row's id in the table card's dcc.Store (named by the data-chosen-row of the rows' box) and
   marks the row chosen. */
(function () {
  document.addEventListener('click', function (e) {
    var row = e.target && e.target.closest ? e.target.closest('tr[data-row]') : null;
    var box = row ? row.closest('[data-chosen-row]') : null;
    if (!box || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    var chosen = box.querySelectorAll('tr.chosen');
    for (var i = 0; i < chosen.length; i++) { chosen[i].classList.remove('chosen'); }
    row.classList.add('chosen');
    window.dash_clientside.set_props(JSON.parse(box.getAttribute('data-chosen-row')),
                                     {data: {row: row.getAttribute('data-row'), at: Date.now()}});
  });
})();
