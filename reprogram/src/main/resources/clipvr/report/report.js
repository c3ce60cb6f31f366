/* clipvr report: builds the charts from the JSON in #report-data with Chart.js (inlined above).
   Sets document.body.dataset.rendered = "ok" when done, "error" (messages in #report-errors) otherwise. */
(function () {
  'use strict';
  var errors = window.__reportErrors || (window.__reportErrors = []);
  var COLORS = ['#2f6fdd', '#e4572e', '#29a36a', '#9b5de5', '#f2a541', '#17becf'];

  function finish() {
    var box = document.getElementById('report-errors');
    if (errors.length) {
      box.hidden = false;
      box.textContent = 'Errors while rendering this report:\n' + errors.join('\n');
      document.body.dataset.rendered = 'error';
    } else {
      document.body.dataset.rendered = 'ok';
    }
  }

  function has(values) {
    for (var i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) return true;
    return false;
  }

  function line(id, labels, series, opts) {
    var canvas = document.getElementById(id);
    if (!canvas) return 0;
    var sets = series.filter(function (s) { return has(s.data); }).map(function (s, i) {
      return { label: s.label, data: s.data, borderColor: s.color || COLORS[i], backgroundColor: s.color || COLORS[i],
               spanGaps: true, pointRadius: labels.length > 60 ? 0 : 2, borderWidth: 2, tension: 0 };
    });
    if (!sets.length) {
      canvas.parentNode.innerHTML = '<p class="note">Not recorded in this run.</p>';
      return 0;
    }
    new Chart(canvas, {
      type: 'line',
      data: { labels: labels, datasets: sets },
      options: {
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { display: sets.length > 1 } },
        scales: {
          x: { title: { display: true, text: 'epoch' } },
          y: Object.assign({ title: { display: !!(opts && opts.y), text: (opts && opts.y) || '' } }, (opts && opts.scale) || {})
        }
      }
    });
    return 1;
  }

  function logScaleFits(values) {
    var lo = Infinity, hi = -Infinity;
    for (var i = 0; i < values.length; i++) {
      var v = values[i];
      if (v === null || v === undefined) continue;
      if (v <= 0) return false;
      lo = Math.min(lo, v); hi = Math.max(hi, v);
    }
    return hi / lo > 20;
  }

  try {
    if (typeof Chart === 'undefined') throw new Error('Chart.js did not load');
    var data = JSON.parse(document.getElementById('report-data').textContent);
    Chart.defaults.animation = false;
    Chart.defaults.responsive = true;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
    var e = data.epochs, n = 0;
    n += line('chart-loss', e.epoch, [{ label: 'train loss', data: e.trainLoss }], { y: 'cross-entropy' });
    n += line('chart-acc', e.epoch, [{ label: 'train acc', data: e.trainAcc, color: COLORS[0] },
                                     { label: 'test acc', data: e.testAcc, color: COLORS[1] },
                                     { label: 'val acc', data: e.valAcc, color: COLORS[4] }], { y: '%' });
    var groups = Object.keys(e.lrs || {});
    var lrSeries = groups.length > 1
      ? groups.map(function (g, i) { return { label: 'lr (' + g + ')', data: e.lrs[g], color: COLORS[(i + 2) % COLORS.length] }; })
      : [{ label: 'lr', data: e.lr, color: COLORS[2] }];
    var allLr = [].concat.apply([], lrSeries.map(function (s) { return s.data; }));
    n += line('chart-lr', e.epoch, lrSeries, { y: 'lr', scale: logScaleFits(allLr) ? { type: 'logarithmic' } : {} });
    n += line('chart-speed', e.epoch, [{ label: 'images/s', data: e.imagesPerS, color: COLORS[3] }], { y: 'images/s' });

    var pc = document.getElementById('chart-perclass');
    if (pc && data.perClass.length) {
      var horizontal = data.classNames.length > 12;
      var valueAxis = { min: 0, max: 100, title: { display: true, text: 'accuracy (%)' } };
      var classAxis = { ticks: { autoSkip: false } };
      new Chart(pc, {
        type: 'bar',
        data: {
          labels: data.classNames,
          datasets: data.perClass.map(function (s, i) {
            return { label: s.label, data: s.values, backgroundColor: COLORS[i % COLORS.length] };
          })
        },
        options: {
          indexAxis: horizontal ? 'y' : 'x',
          plugins: { legend: { display: data.perClass.length > 1 } },
          scales: horizontal ? { x: valueAxis, y: classAxis } : { x: classAxis, y: valueAxis }
        }
      });
      n++;
    }
    document.body.dataset.charts = String(n);
  } catch (err) {
    errors.push(String((err && err.stack) || err));
  }
  finish();
  window.addEventListener('load', finish);
})();
