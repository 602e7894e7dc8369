// Draws the dashboard's charts from /api/dashboard with Chart.js (served from node_modules, no CDN).
// The numbers are also in the page's tables, so nothing is lost without script.
/* global Chart */
const COLORS = ['#0b5cad', '#d9480f', '#2b8a3e', '#ae3ec9', '#e8590c', '#1098ad', '#c2255c', '#5c940d'];
const days = Number(document.body.dataset.days) || 28;

function short(date) {
  // "2026-11-17" → "17/11", as on a Swedish wall calendar.
  const [, m, d] = date.split('-');
  return `${Number(d)}/${Number(m)}`;
}

function failuresChart(canvas, data) {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: data.days.map((d) => short(d.date)),
      datasets: data.failures.map((f, i) => ({
        label: f.label,
        data: f.daily,
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        borderWidth: 2,
        pointRadius: 2,
        cubicInterpolationMode: 'monotone',
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Rapporter / Reports' } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

function deflectionChart(canvas, data) {
  return new Chart(canvas, {
    data: {
      labels: data.days.map((d) => short(d.date)),
      datasets: [
        { type: 'bar', label: 'Besvarade av Lotsen / Answered by Lotsen', data: data.days.map((d) => d.answeredByBot), backgroundColor: '#74a9e0', stack: 'q', yAxisID: 'y' },
        { type: 'bar', label: 'Eskalerade / Escalated', data: data.days.map((d) => d.escalated + d.escalatedAfterAnswer), backgroundColor: '#f0a05a', stack: 'q', yAxisID: 'y' },
        {
          type: 'line',
          label: 'Avlastning % / Deflection %',
          data: data.days.map((d) => (d.deflectionRate === null ? null : Math.round(d.deflectionRate * 100))),
          borderColor: '#2b8a3e',
          backgroundColor: '#2b8a3e',
          borderWidth: 2,
          spanGaps: true,
          yAxisID: 'rate',
        },
      ],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'Frågor / Questions' } },
        rate: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: '%' } },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

async function main() {
  const res = await fetch(`/api/dashboard?days=${days}`, { signal: AbortSignal.timeout(15_000) });
  if (res.status === 401) return location.assign('/signin');
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const data = await res.json();
  failuresChart(document.getElementById('failures-chart'), data);
  deflectionChart(document.getElementById('deflection-chart'), data);
  document.body.dataset.charts = 'ready';
}

main().catch((err) => {
  for (const box of document.querySelectorAll('.chart-box')) {
    const p = document.createElement('p');
    p.className = 'chart-error';
    p.textContent = `Diagrammen kunde inte ritas / The charts could not be drawn (${err.message}).`;
    box.replaceChildren(p);
  }
  document.body.dataset.charts = 'failed';
});
