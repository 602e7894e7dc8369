// The local web chat: sends a question, shows the answer with its sources or the super-user offer.
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
  if (result.outcome === 'escalated') {
    const offer = document.createElement('div');
    offer.className = 'offer';
    const strong = document.createElement('strong');
    strong.textContent = t.offer;
    offer.append(strong, paragraph(t.offerHelp));
    box.append(offer);
  }
  return box;
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
