import type { Lang } from '../kb/article.ts';
import type { PiiKind } from '../privacy/redact.ts';

const stockholmTime = (iso: string, locale: string) =>
  new Date(iso).toLocaleString(locale, { timeZone: 'Europe/Stockholm', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

const piiNames: Record<Lang, Record<PiiKind, string>> = {
  sv: { PERSONNUMMER: 'personnummer', PHONE: 'telefonnummer', EMAIL: 'e-postadress', NAME: 'namn', ADDRESS: 'adress' },
  en: { PERSONNUMMER: 'personal identity number', PHONE: 'phone number', EMAIL: 'e-mail address', NAME: 'name', ADDRESS: 'address' },
};

/** Every sentence Lotsen itself says, in both languages. */
export const messages = {
  sv: {
    notCovered:
      'Det här hittar jag inte i kunskapsbanken, så jag vill inte gissa. Fråga en superanvändare på din enhet eller go-live-ledningscentralen.',
    source: 'Källa',
    redacted: (kinds: PiiKind[]) =>
      `Jag tog bort personuppgifter (${kinds.map((k) => piiNames.sv[k]).join(', ')}) ur ditt meddelande innan det sparades eller skickades vidare. Patientuppgifter hör hemma i journalen, inte i chatten – beskriv gärna felet utan dem.`,
    safetyAlerted: (id: string, oncall: string) =>
      `⚠️ **Det här kan vara en patientsäkerhetsrisk.** Jag svarar inte själv på sådant. Jag har larmat patientsäkerhetsfunktionen och jourhavande superanvändare (ärende ${id}). Ring ${oncall} om det brådskar.`,
    personalDataIncident: (by: string) =>
      `Det kan också vara en personuppgiftsincident. Den ska anmälas till IMY inom 72 timmar från upptäckt, alltså senast ${stockholmTime(by, 'sv-SE')}. Ledningscentralen gör anmälan; din avvikelse är underlaget.`,
    safetyFallback: 'Sluta använda funktionen, använd reservrutinen och skriv en avvikelse.',
    tooMany: (seconds: number) => `Du har skickat många meddelanden på kort tid. Vänta ${seconds} sekunder och försök igen – ingenting av det du skrivit har sparats.`,
    busy: 'Lotsen har just nu väldigt många frågor. Försök igen om en liten stund, eller fråga en superanvändare.',
    knownIssue: (label: string, workaround: string) =>
      `**Det här är ett känt fel** (${label}). IT arbetar med det. Gör så här tills vidare:\n\n${workaround}\n\nJag säger till här när felet är åtgärdat.`,
    failureRegistered: (label: string, count: number) =>
      count > 1
        ? `Jag har registrerat felet (${label}). ${count} rapporter om samma fel hittills; IT får dem samlade i ett ärende.`
        : `Jag har registrerat felet (${label}). Kommer fler rapporter om samma sak får IT dem samlade i ett ärende.`,
    failureTicketed: (label: string, count: number) =>
      `IT har redan ett ärende om det här felet (${label}); din rapport är nummer ${count}. När det finns en tillfällig lösning eller felet är åtgärdat får du veta det här.`,
    failureFixed: (label: string, note: string | undefined) => `✅ **Felet du rapporterade är åtgärdat:** ${label}.${note ? `\n\n${note}` : ''}\n\nSäg till om det fortfarande krånglar.`,
    escalatedTo: (destination: string, linked: boolean) =>
      linked
        ? `Någon har redan ställt samma fråga till superanvändarna (${destination}). Du får svaret här så snart de svarat.`
        : `Jag har skickat frågan vidare till superanvändarna (${destination}). Svaret kommer här i chatten.`,
    escalationHeld:
      'Frågan är sparad och skickas till superanvändarna så snart förbindelsen är tillbaka. Du behöver inte skriva den igen.',
    answerFrom: (name: string) => `Svar från superanvändare ${name}`,
  },
  en: {
    notCovered:
      "I can't find this in the knowledge base, and I won't guess. Please ask a super-user on your unit or the go-live command centre.",
    source: 'Source',
    redacted: (kinds: PiiKind[]) =>
      `I removed personal data (${kinds.map((k) => piiNames.en[k]).join(', ')}) from your message before it was stored or passed on. Patient details belong in the record, not in the chat – please describe the problem without them.`,
    safetyAlerted: (id: string, oncall: string) =>
      `⚠️ **This may be a patient-safety risk.** I don't answer these myself. I have alerted the patient-safety function and the on-call super-user (case ${id}). Call ${oncall} if it is urgent.`,
    personalDataIncident: (by: string) =>
      `It may also be a personal-data incident, which must be reported to IMY within 72 hours of discovery, that is by ${stockholmTime(by, 'en-GB')}. The command centre files the report; your incident report is the basis for it.`,
    safetyFallback: 'Stop using the function, use the downtime routine and file an incident report.',
    tooMany: (seconds: number) => `You have sent many messages in a short time. Please wait ${seconds} seconds and try again – nothing you sent was stored.`,
    busy: 'Lotsen is very busy right now. Please try again in a moment, or ask a super-user.',
    knownIssue: (label: string, workaround: string) =>
      `**This is a known issue** (${label}). IT is working on it. Until it is fixed, do this:\n\n${workaround}\n\nI will tell you here when it is fixed.`,
    failureRegistered: (label: string, count: number) =>
      count > 1
        ? `I have registered the fault (${label}). ${count} reports of the same fault so far; IT gets them together in one ticket.`
        : `I have registered the fault (${label}). If more people report the same thing, IT gets them together in one ticket.`,
    failureTicketed: (label: string, count: number) =>
      `IT already has a ticket for this fault (${label}); yours is report number ${count}. You will hear here when there is a workaround or when it is fixed.`,
    failureFixed: (label: string, note: string | undefined) => `✅ **The fault you reported is fixed:** ${label}.${note ? `\n\n${note}` : ''}\n\nTell me if it still gives you trouble.`,
    escalatedTo: (destination: string, linked: boolean) =>
      linked
        ? `Someone has already asked the super-users the same thing (${destination}). You will get the answer here as soon as they reply.`
        : `I have passed your question to the super-users (${destination}). The answer will arrive here in the chat.`,
    escalationHeld: 'Your question is saved and will reach the super-users as soon as the connection is back. You do not need to write it again.',
    answerFrom: (name: string) => `Answer from super-user ${name}`,
  },
} as const;
