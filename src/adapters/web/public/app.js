// The local web chat: sends a question, shows the answer with its sources, or the question's way
// through the super-users until their answer arrives here.
const text = {
  sv: {
    tagline: 'Fråga hur du gör i Millennium.',
    label: 'Din fråga',
    placeholder: 't.ex. hur skriver jag ut ett nytt id-band?',
    send: 'Skicka',
    privacy: 'Skriv inga personnummer eller patientnamn.',
    toggle: 'English',
    sources: 'Källor',
    offer: 'Fråga en superanvändare',
    offerHelp: 'Kontakta superanvändaren på din enhet eller go-live-ledningscentralen med din fråga.',
    thinking: 'Letar i kunskapsbanken…',
    failed: 'Det gick inte att få svar just nu. Din fråga ligger kvar i rutan – försök igen om en stund.',
    safety: 'Skickat till patientsäkerhet',
    welcome: 'Fråga med egna ord, på svenska eller engelska. Jag svarar med stegen ur kunskapsbanken och visar källan, eller säger ärligt att jag inte vet.',
    examples: 'Prova till exempel:',
    exampleQuestions: ['hur skriver jag ut ett nytt id-band?', 'hur ger jag ombud i message center?', 'vad gör jag vid driftstopp?'],
    helped: 'Hjälpte det?',
    yes: 'Ja, tack',
    no: 'Nej – fråga en superanvändare',
    status: { pending: 'Sparad – skickas när förbindelsen är tillbaka', open: 'Väntar på en superanvändare', claimed: (n) => `${n} har tagit din fråga`, answered: 'Besvarad', closed: 'Avslutad' },
    sentTo: (d) => `Skickad till ${d}`,
    answerFrom: (n) => `Svar från ${n}`,
    solved: 'Löst, tack',
    stuck: 'Sitter fortfarande fast',
    reopened: 'Frågan är öppen igen och ligger hos superanvändarna.',
    yours: 'Dina frågor till superanvändarna',
    report: { open: (n) => `Felet är registrerat (${n} rapporter)`, known: 'Känt fel – gör så här tills vidare:', fixed: 'Åtgärdat' },
  },
  en: {
    tagline: 'Ask how to do things in Millennium.',
    label: 'Your question',
    placeholder: 'e.g. how do I print a new wristband?',
    send: 'Send',
    privacy: 'Do not type personal identity numbers or patient names.',
    toggle: 'Svenska',
    sources: 'Sources',
    offer: 'Ask a super-user',
    offerHelp: "Contact your unit's super-user or the go-live command centre with your question.",
    thinking: 'Searching the knowledge base…',
    failed: 'Could not get an answer right now. Your question is still in the box – please try again shortly.',
    safety: 'Sent to patient safety',
    welcome: "Ask in your own words, in Swedish or English. I answer with the steps from the knowledge base and show the source, or say honestly that I don't know.",
    examples: 'For example:',
    exampleQuestions: ['how do I print a new wristband?', 'how do I grant a proxy in Message Center?', 'what do I do during downtime?'],
    helped: 'Did this help?',
    yes: 'Yes, thanks',
    no: 'No – ask a super-user',
    status: { pending: 'Saved – will be sent when the connection is back', open: 'Waiting for a super-user', claimed: (n) => `${n} has taken your question`, answered: 'Answered', closed: 'Closed' },
    sentTo: (d) => `Sent to ${d}`,
    answerFrom: (n) => `Answer from ${n}`,
    solved: 'Solved, thanks',
    stuck: 'Still stuck',
    reopened: 'Your question is open again and back with the super-users.',
    yours: 'Your questions to the super-users',
    report: { open: (n) => `The fault is registered (${n} reports)`, known: 'Known issue – until it is fixed, do this:', fixed: 'Fixed' },
  },
};

// Swedish unless the browser asks for English or the user chose a language before.
let lang = localStorage.getItem('lotsen-lang') || ((navigator.language || 'sv').toLowerCase().startsWith('en') ? 'en' : 'sv');
const log = document.getElementById('log');
const form = document.getElementById('ask');
const input = document.getElementById('question');
const toggle = document.getElementById('lang-toggle');

function renderExamples() {
  const box = document.getElementById('examples');
  box.replaceChildren(
    ...text[lang].exampleQuestions.map((q) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'example';
      button.textContent = q;
      button.addEventListener('click', () => {
        input.value = q;
        form.requestSubmit();
      });
      return button;
    }),
  );
}

function applyLanguage() {
  document.documentElement.lang = lang;
  renderExamples();
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = text[lang][el.dataset.i18n];
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = text[lang][el.dataset.i18nPlaceholder];
  toggle.textContent = text[lang].toggle;
}

function add(role, node) {
  const li = document.createElement('li');
  li.className = role;
  li.append(node);
  log.append(li);
  li.scrollIntoView({ block: 'end', behavior: 'smooth' });
  return li;
}

function paragraph(content, className) {
  const p = document.createElement('p');
  p.textContent = content;
  if (className) p.className = className;
  return p;
}

function renderAnswer(result) {
  const box = document.createElement('div');
  box.className = `answer ${result.outcome}`;
  box.dataset.outcome = result.outcome;
  const t0 = text[result.lang] || text[lang];
  if (result.privacyNote) box.append(paragraph(result.privacyNote, 'privacy-note'));
  if (result.outcome === 'safety') box.append(paragraph(t0.safety, 'safety-label'));
  const body = document.createElement('div');
  body.className = 'answer-text';
  body.innerHTML = result.answerHtml; // rendered and sanitised by the server
  box.append(body);
  const t = text[result.lang] || text[lang];
  if (result.citations.length) {
    const sources = document.createElement('div');
    sources.className = 'citations';
    sources.append(paragraph(t.sources, 'label'));
    const ul = document.createElement('ul');
    for (const c of result.citations) {
      const a = document.createElement('a');
      a.href = c.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = c.title;
      const li = document.createElement('li');
      li.append(a);
      ul.append(li);
    }
    sources.append(ul);
    box.append(sources);
  }
  if (result.outcome === 'escalated' && result.escalationId) box.append(statusBox({ id: result.escalationId, status: result.escalation.status, destination: result.escalation.destination }));
  else if (result.outcome === 'escalated' && result.escalation) box.append(statusBox({ id: '', status: 'pending', destination: result.escalation.destination }));
  else if (result.outcome === 'escalated') {
    const offer = document.createElement('div');
    offer.className = 'offer';
    const strong = document.createElement('strong');
    strong.textContent = t.offer;
    offer.append(strong, paragraph(t.offerHelp));
    box.append(offer);
  }
  if (result.failureGroup) box.append(reportBox(result.failureGroup.id));
  if (result.outcome === 'answered') box.append(helpedRow(result));
  return box;
}

// A reported failure is followed until it is fixed: its workaround and the fix appear here (and after a reload).
const REPORTS_KEY = 'lotsen-reports';
const followed = () => JSON.parse(localStorage.getItem(REPORTS_KEY) || '[]');
function reportBox(id) {
  const box = document.createElement('div');
  box.className = 'report-status';
  box.dataset.failure = id;
  localStorage.setItem(REPORTS_KEY, JSON.stringify([...new Set([...followed(), id])].slice(-20)));
  void followReport(box, id);
  return box;
}

async function followReport(box, id) {
  try {
    const res = await fetch(`/api/failures/${encodeURIComponent(id)}/status`, { signal: AbortSignal.timeout(10_000) });
    if (res.status === 404) return box.remove();
    if (res.ok) {
      const s = await res.json();
      const t = text[lang].report;
      box.dataset.status = s.status;
      const parts = [paragraph(s.status === 'fixed' ? `${t.fixed}: ${s.label}` : s.status === 'known' ? t.known : t.open(s.reports), 'state')];
      if (s.status === 'known' && s.workaroundHtml) {
        const body = document.createElement('div');
        body.className = 'answer-text workaround';
        body.innerHTML = s.workaroundHtml; // rendered and sanitised by the server
        parts.push(body);
      }
      if (s.status === 'fixed' && s.fixNote) parts.push(paragraph(s.fixNote, 'meta'));
      box.replaceChildren(...parts);
      if (s.status === 'fixed') return localStorage.setItem(REPORTS_KEY, JSON.stringify(followed().filter((x) => x !== id)));
    }
  } catch {
    // Offline for a moment: the next look catches up.
  }
  if (box.isConnected) setTimeout(() => void followReport(box, id), Number(document.body.dataset.pollMs || 5000) * 2);
}

function button(label, onClick, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

async function postJson(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  if (res.status === 401) location.assign('/signin');
  return { res, json: await res.json().catch(() => ({})) };
}

// "Didn't help": the same (already redacted) question goes to a person.
function helpedRow(result) {
  const t = text[result.lang] || text[lang];
  const row = document.createElement('div');
  row.className = 'feedback';
  row.append(
    paragraph(t.helped),
    button(t.yes, () => row.replaceChildren(paragraph('👍'))),
    button(t.no, async () => {
      row.replaceChildren(paragraph(t.status.open, 'thinking'));
      const key = crypto.randomUUID();
      const { res, json } = await postJson('/api/escalations', { question: result.question }, { 'idempotency-key': key }).catch(() => ({ res: { ok: false }, json: {} }));
      if (!res.ok) return row.replaceChildren(paragraph(json.error || t.failed, 'error'));
      row.replaceChildren(statusBox({ id: json.escalationId || '', status: json.escalation?.status || 'pending', destination: json.escalation?.destination || '' }));
    }),
  );
  return row;
}

// One box per escalated question; refreshed from /api/escalations/mine until it is closed.
const boxes = new Map();
function statusBox(item) {
  const box = document.createElement('div');
  box.className = 'status';
  box.dataset.escalation = item.id;
  if (item.id) boxes.set(item.id, [...(boxes.get(item.id) || []), box]);
  fillStatus(box, item);
  schedulePoll();
  return box;
}

function fillStatus(box, item) {
  const t = text[lang];
  box.dataset.status = item.status;
  const state = item.status === 'claimed' ? t.status.claimed(item.owner || '') : t.status[item.status] || item.status;
  const parts = [];
  if (item.destination) parts.push(paragraph(t.sentTo(item.destination), 'meta'));
  parts.push(paragraph(state, 'state'));
  if (item.answer && item.status !== 'open') {
    parts.push(paragraph(t.answerFrom(item.answer.by), 'label'));
    const body = document.createElement('div');
    body.className = 'answer-text superuser-answer';
    body.innerHTML = item.answer.html; // rendered and sanitised by the server
    parts.push(body);
  }
  if (item.status === 'answered') {
    const row = document.createElement('div');
    row.className = 'feedback';
    const verdict = (v) => async () => {
      const { res, json } = await postJson(`/api/escalations/${encodeURIComponent(item.id)}/feedback`, { verdict: v }).catch(() => ({ res: { ok: false }, json: {} }));
      if (!res.ok) return row.replaceChildren(paragraph(json.error || t.failed, 'error'));
      for (const b of boxes.get(item.id) || [box]) fillStatus(b, json.item);
      if (v === 'still-stuck') box.append(paragraph(t.reopened, 'meta'));
    };
    row.append(button(t.solved, verdict('solved')), button(t.stuck, verdict('still-stuck')));
    parts.push(row);
  }
  if (item.feedback === 'still-stuck' && item.status === 'open') parts.push(paragraph(t.reopened, 'meta'));
  box.replaceChildren(...parts);
}

let pollTimer;
function schedulePoll() {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(poll, Number(document.body.dataset.pollMs || 5000));
}

async function poll() {
  try {
    const res = await fetch('/api/escalations/mine', { signal: AbortSignal.timeout(10_000) });
    if (res.status === 401) return location.assign('/signin');
    const { items } = await res.json();
    for (const item of items) {
      const known = boxes.get(item.id) || [];
      for (const box of known) if (box.dataset.status !== item.status || (item.answer && !box.querySelector('.superuser-answer'))) fillStatus(box, item);
    }
  } catch {
    // Offline for a moment: the next poll catches up.
  }
  if ([...boxes.values()].flat().some((b) => b.dataset.status !== 'closed')) schedulePoll();
}

// After a reload, questions still with the super-users are shown again, so their answers arrive here.
async function showMine() {
  try {
    const res = await fetch('/api/escalations/mine');
    if (!res.ok) return;
    const { items } = await res.json();
    const waiting = items.filter((i) => i.status !== 'closed').reverse();
    const reports = followed();
    if (!waiting.length && !reports.length) return;
    document.getElementById('welcome').hidden = true;
    for (const id of reports) add('bot', reportBox(id));
    if (!waiting.length) return;
    document.getElementById('welcome').hidden = true;
    add('bot', paragraph(text[lang].yours, 'label'));
    for (const item of waiting) {
      add('me', paragraph(item.question));
      add('bot', statusBox(item));
    }
  } catch {
    // The chat works without the list.
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (!question) return;
  document.getElementById('welcome').hidden = true;
  const mine = add('me', paragraph(question));
  input.value = '';
  const pending = add('bot', paragraph(text[lang].thinking, 'thinking'));
  try {
    const res = await fetch('/api/ask', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status === 401) {
      location.assign('/signin');
      return;
    }
    const result = await res.json();
    if (res.ok) {
      // Show what was kept: personal data never leaves the server unredacted.
      if (result.redacted?.length && result.question) mine.replaceChildren(paragraph(result.question));
      pending.replaceChildren(renderAnswer(result));
    } else {
      // Nothing is lost: a refused question goes back into the box.
      if (!input.value) input.value = question;
      pending.replaceChildren(paragraph(result.answer || result.error || text[lang].failed, 'error'));
    }
  } catch {
    if (!input.value) input.value = question;
    pending.replaceChildren(paragraph(text[lang].failed, 'error'));
  }
  // The answer is taller than the placeholder it replaced: show its start above the composer.
  pending.scrollIntoView({ block: 'start', behavior: 'smooth' });
});

input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    form.requestSubmit();
  }
});

toggle.addEventListener('click', () => {
  lang = lang === 'sv' ? 'en' : 'sv';
  localStorage.setItem('lotsen-lang', lang);
  applyLanguage();
});

applyLanguage();
void showMine();
