import { fold } from '../text/normalize.ts';

export type Intent = 'question' | 'failure' | 'safety' | 'other';
export type Severity = 'S1' | 'S2' | 'S3' | 'S4';

/** Why a message is a safety report; decides whether it may also be a personal-data incident. */
export type SafetyKind = 'text-integrity' | 'wrong-patient' | 'allergy-warning' | 'medication' | 'protected-identity' | 'lost-or-corrupt-data' | 'device' | 'harm';

export interface Triage {
  intent: Intent;
  severity: Severity;
  /** Set for safety reports. */
  safety?: SafetyKind;
}

/** Record integrity, wrong patient and protected identity are personal-data incidents as well (72-hour clock). */
export const PERSONAL_DATA_INCIDENT_KINDS: ReadonlySet<SafetyKind> = new Set(['text-integrity', 'wrong-patient', 'protected-identity', 'lost-or-corrupt-data']);

// All patterns run on folded text: lower case, å/ä/ö → a/a/o, so "forsvann" and "försvann" both match.
const r = (source: string) => new RegExp(source, 'i');

const RECORD = String.raw`(?:anteckning\w*|journal\w*|note|notes|remiss\w*|referral\w*|svar\w*|provsvar\w*|labbsvar\w*|labsvar\w*|resultat\w*|results?|report|utlatande\w*|epikris\w*|text\w*|dikter\w*|diktat\w*|rontgensvar\w*|rtg-?svar\w*|ordination\w*|orders?|recept\w*|matvarde\w*|varde\w*|values?|vitals|dokumentation\w*|documentation|record|records|lakemedelslista\w*|medication list|allergi\w*|diagnos\w*|blodgrupp\w*|prov\w*)`;
const VANISHED = String.raw`(?:forsvann\w*|forsvunn\w*|forsvinn\w*|borta|bort|tappa\w*|raderad\w*|raderat\w*|saknas|saknades|disappear\w*|vanish\w*|gone|lost|deleted|dropped|went missing|is missing|are missing|spar\w*los\w*|utan spar|without (?:a )?trace)`;

const SAFETY_RULES: [SafetyKind, RegExp][] = [
  // Words or negations missing or changed in a note or reply: "ingen blödning" became "blödning".
  ['text-integrity', r(String.raw`\b(?:ord|orden|ordet|word|words|negation\w*|nekande|inte|ingen|inga|no|not|none|nothing|text|textrad\w*|mening\w*|sentence\w*|bokstav\w*|siffr\w*|decimal\w*|komma\w*)\b[^.?!]{0,60}\b(?:forsvinn\w*|forsvann|forsvunnit|faller bort|foll bort|fallit bort|fallt bort|tappas|tappades|tappats|saknas|saknades|borta|ar borta|disappear\w*|dropp\w*|missing|removed|omitted|went missing|andr\w*|changed|flyttat\w*|shifted)`)],
  ['text-integrity', r(String.raw`["'”»].{1,40}["'”»] ?(?:blev|blir|became|becomes|turned into|andrades till|visas som|star som|shows as|ended up as)\b`)],
  ['text-integrity', r(String.raw`\b(?:ingen|inte|inga|no|not)\b \w+["'”»]? (?:blev|blir|became|becomes|turned into|visas som|shows as)\b`)],
  // "I wrote X but the reply says Y": what was written and what is shown differ.
  ['text-integrity', r(String.raw`(?=.*\b(?:skrev|skrivit|dikterade|dikterat|diktat|wrote|typed|dictated|signerade|signed)\b)(?=.*\b(?:stod|star|blev|blir|visas|visades|syns|kom ut|says|said|shows|showed|came out|appears|reads)\b)(?=.*(?:["'”»]|\b(?:ingen|inte|inga|no|not|none)\b))`)],
  ['text-integrity', r(String.raw`\b(?:kapad\w*|avklippt\w*|truncat\w*|cut off|halv\w* (?:text|mening))\b[^.?!]{0,40}${RECORD}|${RECORD}[^.?!]{0,40}\b(?:kapad\w*|avklippt\w*|truncat\w*|cut off|ofullstandig\w*|incomplete)\b`)],
  // Wrong patient: results, notes, orders or measurements on someone else.
  ['wrong-patient', r(String.raw`\b(?:fel patient\w*|fel pat\b|fel person\w*|wrong patient\w*|wrong person|annan patient\w*|annans?\b[^.?!]{0,20}\b(?:journal|patient|svar)|another patient\w*|other patient\w*|nagon annans?|someone else\S*|somebody else\S*|forvaxl\w*|mixed up|mix-up|sammanblan\w*|blandats ihop|hamnat hos|hamnade hos|hamnade pa fel|hamnat pa fel|dubbl\w* journal\w*|duplicate (?:record|chart|patient)\w*|sammanslag\w*|merged (?:record|chart)\w*|two patients?)\b`)],
  // Allergy or warning not shown; given despite allergy.
  ['allergy-warning', r(String.raw`\b(?:allergi\w*|allerg\w*|varning\w*|warning\w*|alert\w*|interaktion\w*|interaction\w*|cave|overkanslighet\w*|kontraindik\w*)\b[^.?!]{0,50}\b(?:syns inte|synts inte|syntes inte|visas inte|visades inte|kom inte upp|kommer inte upp|dyker inte upp|saknas|saknades|forsvunn\w*|forsvann|borta|not (?:show\w*|display\w*|visible|appear\w*)|didn'?t (?:show|appear|fire|pop)|doesn'?t (?:show|appear|fire)|did not (?:show|appear|fire)|does not (?:show|appear|fire)|missing|gone|no longer)`)],
  ['allergy-warning', r(String.raw`\b(?:trots|despite|although|fast|även om|aven om)\b[^.?!]{0,40}\ballerg\w*|\ballerg\w*[^.?!]{0,40}\b(?:fick|gav|given|got|administrer\w*|ordinerad\w*)\b|\b(?:ingen|utan|no|without)\b (?:varning|warning|alert|cave)\b`)],
  // Medication errors the system caused or nearly caused.
  ['medication', r(String.raw`\b(?:fel dos\w*|wrong dos\w*|dubbel ?dos\w*|double dos\w*|dubbelt (?:sa )?(?:mycket|stor)|tiodubbel\w*|tiofald\w*|tenfold|ten times|10 ganger|10x|overdos\w*|overdose\w*|fel lakemedel\w*|wrong (?:drug|medication|medicine)|fel styrka|wrong strength|gavs tva ganger|given twice|administrerad\w* tva ganger|dubbeladministr\w*|double administ\w*|dubbelregistrer\w*|fel (?:infusion|hastighet|enhet)|wrong (?:unit|rate))\b`)],
  ['medication', r(String.raw`\b(?:mg|mikrogram|mikrog|µg|ug|mcg|ml|e|ie|enheter|units?)\b[^.?!]{0,20}\b(?:blev|blir|visades som|visas som|became|shows as|showed as)\b[^.?!]{0,20}\b(?:mg|g|gram|mikrogram|µg|ug|mcg|ml|e|ie|enheter|units?)\b`)],
  ['medication', r(String.raw`\d+[,.]\d+ ?(?:mg|ml|g|e)?\b[^.?!]{0,15}\b(?:blev|blir|visas som|became|shows as)\b ?\d+`)],
  ['medication', r(String.raw`\b(?:fick|gav|given|gave|got)\b[^.?!]{0,40}\b(?:trots|despite|fast|although)\b|\b(?:inte|not|never)\b[^.?!]{0,10}\b(?:avsatt|avslutad|utsatt|discontinued|stopped)\b[^.?!]{0,40}\b(?:fick|gavs|given|administ\w*)`)],
  ['medication', r(String.raw`\bfel blod\w*|\bwrong blood\b|\bblodgrupp\w*[^.?!]{0,30}\bfel\b|\bfel\b[^.?!]{0,10}\bblodgrupp\w*`)],
  // Protected identity visible.
  ['protected-identity', r(String.raw`\b(?:skydd\w* (?:identitet\w*|personuppgift\w*|adress\w*)|sekretessmark\w*|skyddsmark\w*|sekretess\w*|protected (?:identity|identities|personal|address\w*)|confidential(?:ity)? (?:flag|marker)\w*|spärrad\w* (?:adress|personuppgift)\w*|sparrad\w* (?:adress|personuppgift)\w*)\b[^.?!]{0,80}\b(?:syns|synlig\w*|visas|visades|syntes|kunde se|kan se|framgar|framgick|star|stod|skrevs ut|utskriv\w*|exposed|visible|shown|showing|displayed|printed|leaked|could see|can see|revealed|shows|appears)\b|\b(?:syns|synlig\w*|visas|visible|shown|exposed|kunde se|could see)\b[^.?!]{0,60}\b(?:skydd\w* (?:identitet\w*|personuppgift\w*)|sekretessmark\w*|protected identity)`)],
  // Signed or sent records that vanished or changed; not an unsaved draft.
  ['lost-or-corrupt-data', r(String.raw`\b${RECORD}\b[^.?!]{0,50}\b${VANISHED}`)],
  ['lost-or-corrupt-data', r(String.raw`\b${VANISHED}\b[^.?!]{0,30}\b${RECORD}\b`)],
  ['lost-or-corrupt-data', r(String.raw`\b(?:journal\w*|record\w*|chart|data|uppgift\w*|varde\w*|values?|matvarde\w*|resultat\w*|results?|provsvar\w*|migrer\w*|migrat\w*)\b[^.?!]{0,50}\b(?:fel (?:information|uppgift\w*|varde\w*|data)|felaktig\w*|andrat sig|andrats|andrades|andrad\w* av sig|skrivits over|skrevs over|overskriv\w*|korrupt\w*|corrupt\w*|wrong (?:information|data|values?|results?)|incorrect|changed by itself|changed on (?:its|their) own|overwritten|scrambled|garbled|visar fel\b|shows wrong|showing wrong)`)],
  ['lost-or-corrupt-data', r(String.raw`\b(?:fel (?:information|uppgift\w*|data)|wrong (?:information|data))\b[^.?!]{0,40}\b(?:journal\w*|record\w*|chart)\b`)],
  // Monitoring devices failing with patients connected.
  ['device', r(String.raw`\b(?:fosterovervak\w*|ctg|telemetri\w*|telemetry|overvakning\w*|monitor\w*|pump\w*|infusionspump\w*|ekg)\b[^.?!]{0,50}\b(?:kraschade|kraschar|krasch\w*|crash\w*|nere|down|slutade|stannade|stopped|fungerar inte|funkar inte|not working|tappar|tappade|lost|fros|fryser|froze|frozen|svart|blank|dog|died|ingen kurva|no trace|no signal|inga larm|no alarms?|larmar inte|larmade inte)`)],
  // Explicit harm or near miss.
  ['harm', r(String.raw`\b(?:nara ogat|near miss|nastan (?:fick|gav|gett|ordinerat|administrerat|dott|skadats)|nearly (?:gave|given|got|killed|harmed)|almost (?:gave|given|got|harmed)|patientskad\w*|patient (?:was |got )?harmed|patient harm|skadades|skadats|kom till skada|allvarlig handelse|serious (?:incident|event)|lex maria|patientsakerhetsrisk\w*|patient safety risk|risk for patientsakerhet\w*|aventyrar patientsakerhet\w*|riskerar patientsakerhet\w*|patientsakerheten (?:ar |ar i )?(?:hotad|i fara|aventyrad)|kunde ha dott|could have died|kunde ha orsakat|could have caused|livsfarlig\w*|life-threatening|tillbud\w*|skyddsstopp\w*)\b`)],
];

// How-to framing: the safety words describe what the asker wants to learn, not what happened.
const HOW_TO = r(String.raw`^(?:\W*)(?:hur|vad gor (?:jag|man|vi)|vad ska (?:jag|man|vi)|vad galler|var (?:hittar|finns|rapporterar|anmaler)|vilken|vilket|vem (?:ska|kontaktar|ringer)|kan (?:jag|man|vi)|far (?:jag|man)|ska (?:jag|man)|finns det|gar det att|how|what (?:do|should|is|are|happens)|where|who do|can i|can we|should i|is there|is it possible)\b`);
const CONDITIONAL_QUESTION = r(String.raw`^\W*(?:om|ifall|if|in case|nar|when)\b`);
const HYPOTHETICAL = r(String.raw`\b(?:om|ifall|if|in case|when|nar|innan|before)\b`);
// Past or present happenings: "har dokumenterat", "hamnade", "syns", "just now".
const HAPPENED = r(String.raw`\b(?:har (?:jag |vi |ni |du )?(?:dokumenterat|signerat|gett|givit|skrivit|ordinerat|registrerat|sett|upptackt|markt|hittat)|hade|hamnade|hamnat|blev|blivit|syns|visas|star|stod|fick|gavs|forsvann|forsvunnit|saknas|kraschade|precis|nyss|idag|i dag|imorse|inatt|i natt|just nu|right now|just|today|this morning|tonight|has been|have been|was|were|is showing|are showing|shows|showed|got|ended up|happened|hande|noticed|upptackte|sag att|saw that)\b`);

// "Jag kan inte", "går inte", "doesn't work"; failures often come as questions ("varför går det inte att …?").
const FAILURE = r(String.raw`\b(?:(?:uppdateras|sparas|sparades|laddas|laddar|oppnas|visas|syns|kommer|fungerar|funkar|gar|gick|kan|loggas|hittar|hittas|skrivs|skickas|signeras|startar|svarar|reagerar|sorterar|filtrerar|fastnar|stangs|byts|kopplas|synkas|uppdaterar|sparar|funkade|fungerade) (?:\w+ ){0,2}(?:inte|int|ej|aldrig)|(?:inte|int|ej|aldrig) (?:\w+ ){0,1}(?:laddar klart|ladda|spara|oppna|skriva ut|logga in|komma in|fungera|funka)|ingen (?:\w+ ){0,4}kan\b|kan ingen|(?:nobody|no one|none of us) (?:\w+ ){0,4}can|(?:doesn'?t|does not|don'?t|won'?t|will not|didn'?t|isn'?t|aren'?t) (?:\w+ ){0,2}(?:load|open|print|save|work|show|start|respond|update|sync|connect)|laggy|har andrats|andrades av sig|tom sida|tomma|tomt|varfor maste (?:jag|vi|man)|why do (?:i|we) (?:have|need) to|nekas|nekades|neka\w*|ingen behorighet|saknar behorighet|har inte behorighet|no access|don'?t have access|do not have access|access denied|hoppar\w*|loses?|tappar\w*|fordroj\w*|delay\w*|visar fel|shows? (?:the )?wrong|fel antal|jams?|jammed|is dead|ar dod|star still|loggades ut|loggas ut|utkastad|kastades ut|inga traffar|no results|ger inga|forsvunnit|has disappeared|have disappeared|snett|sned|konstig\w*|weird|strange|oftast forst|only (?:works )?(?:on|after) the (?:second|third)|varannan gang|ibland inte|sometimes (?:not|doesn'?t|fails)|don'?t work|do not work|hela tiden|every time|varje gang|gang pa gang|igen och igen|again and again|tredje gangen|third time|(?:gar|gick|funkar|fungerar|funkade|fungerade|kan|kunde) (?:det|jag|man|vi|den|du) inte|inte (?:kan|kunde|gar|gick|fungerar|funkar|fungerade|funkade|kommer (?:in|at|fram)|laddar|startar|sparas|skrivs ut|skriver ut)|(?:jatte|super|extremt|sjukt|otroligt|valdigt|mega|skit|sa|lite)?(?:seg|segt|sega|langsamt?|langsamma)|fungerar inte|funkar inte|fungerade inte|funkade inte|fungerar ej|funkar ej|fungerar inget|fungerar ingenting|funkar inget|funkar ingenting|gar inte|gick inte|gar ej|kan inte|kunde inte|kan ej|kommer inte (?:in|at|fram|vidare|ut)|kommer ej|far inte upp|far ingen|far inget|far bara|laddar inte|oppnas inte|oppnar inte|startar inte|sparas inte|sparade inte|skrivs inte ut|skriver inte ut|skriver ut tomma|tomma etiketter|tomt|blank\w*|svart skarm|vit skarm|laser inte|reagerar inte|svarar inte|hanger sig|hangde sig|hanger|laggar|laggig\w*|laggade|fryser|fros|frusen|kraschar|kraschade|krasch\w*|strular|strulade|strul|buggar|buggig|bugg\w*|trasig\w*|seg\w*|langsam\w*|tar evigheter|tar lang tid|tar flera minuter|snigelfart|timeout|time-out|felmeddelande\w*|felkod\w*|error\w*|fel ?\d{2,}|nere|ligger nere|utloggad\w*|kastas ut|loggas ut|lasts? ute|utelast|spinner|snurrar|doesn'?t work|does not work|didn'?t work|not working|won'?t|wont|can'?t|cannot|couldn'?t|could not|unable|fails?|failed|failing|broken|crash\w*|freez\w*|frozen|hangs|hanging|down|slow\w*|stuck|keeps? (?:logging|kicking|crashing|freezing)|is not (?:printing|loading|saving|opening)|not (?:printing|loading|saving|opening|showing)|prints? (?:blank|empty|nothing)|blank|empty labels?|kicked out|logged out|locked out|times? out|timed out|ateit upp|atit upp|at upp)\b`);
const WEAK_FAILURE = r(String.raw`\b(?:hittar (?:jag |vi )?inte|can'?t find|cannot find|vet inte hur|don'?t know how)\b`);
const WEAK_FAILURE_ALL = new RegExp(WEAK_FAILURE.source, 'gi');
const QUESTION = r(String.raw`\?|^(?:\W*)(?:hur|var|vart|vad|vilken|vilket|vilka|nar|varfor|kan|far|ska|finns|gar det|behover|maste|hjalp|how|where|what|which|when|why|can|could|do|does|is|are|should|may|help)\b|\b(?:jag undrar|undrar|hur gor|how do|how to|vill veta|behover hjalp|need help|ska man|brukar man)\b`);
const OTHER = r(String.raw`^\W*(?:tack\w*|thanks?|thank you|tusen tack|hej|hejsan|hallo|hello|hi|god morgon|good morning|godnatt|ok|okej|toppen|bra|perfekt|super|great|fint)\W*(?:\w+\W*){0,4}$|\b(?:vem ar du|who are you|are you (?:a )?(?:bot|robot|human|real)|ar du (?:en )?(?:bot|robot|manniska)|vad kan du|what can you)\b`);
const COMPLAINT = r(String.raw`\b(?:skit\w*|varldelos\w*|vardelos\w*|hopplos\w*|katastrof\w*|fiasko\w*|hatar|hata|avskyr|samsta|samst|usel\w*|bedrov\w*|uselt|vilket skamt|terrible|awful|hate|worst|useless|garbage|rubbish|disaster|nightmare|mardrom\w*|galenskap\w*|kaos\w*)\b`);
// A blocked workflow for a whole unit is S2; the rest of the failures are S3.
const BLOCKING = r(String.raw`\b(?:ingen (?:av oss )?kan|ingen pa avdelningen|hela (?:avdelningen|mottagningen|akuten|kliniken|sjukhuset|huset|regionen)|alla (?:pa avdelningen|datorer|anvandare|kollegor|hos oss)|alla kan inte|nobody can|no one can|none of us|whole (?:unit|ward|department|hospital|clinic)|all (?:users|computers|of us|staff)|everyone|ligger nere|ar nere|is down|are down|system(?:et)? (?:ar )?nere|helt nere|ingenting fungerar|inget fungerar|nothing works|kan inte (?:logga in|komma in|registrera|skriva in|ordinera|bestalla|skriva ut (?:armband|id-?band|etikett\w*))|can'?t (?:log ?in|sign in|register|admit|order|print (?:wristband|label)\w*)|cannot (?:log ?in|sign in|register|admit|order|print (?:wristband|label)\w*)|unable to (?:log ?in|sign in|register|admit|order|print)|inloggning\w*[^.?!]{0,30}(?:fungerar inte|funkar inte|gar inte)|akutregistrer\w*[^.?!]{0,30}(?:fungerar inte|funkar inte|gar inte)|(?:armband|id-?band|wristband\w*|etikett\w*|labels?)[^.?!]{0,40}(?:skrivs inte ut|gar inte|fungerar inte|tomma|blank|blanka|not printing|won'?t print)|(?:skriva ut|print)[^.?!]{0,15}(?:armband|id-?band|wristband\w*|etikett\w*|labels?)[^.?!]{0,20}(?:gar inte|fungerar inte|funkar inte)|blockerad\w*|blocked|stoppat|stopped all|kan inte jobba|can'?t work|cannot work|pa papper|paper)\b`);

// Co-occurrence within one sentence: something clinical in the record, and a sign it is wrong,
// belongs to someone else, changed by itself or vanished.
const CLINICAL = r(String.raw`\b\w*(?:pump|lista|listan|svar|svaret|varde|varden|kurva|kurvan|larm|larmet|etikett|etiketter|journal|journalen)\b|\b(?:anteckning\w*|journal\w*|remiss\w*|\w*svar(?:et|en)?|epikris\w*|utlatande\w*|lakemedel\w*|mar\b|mar-\w+|ordination\w*|ordinera\w*|order\w*|dos\w*|mg|ml|µg|mikrogram|vitals?|vitalparametr\w*|blodtryck\w*|puls\w*|saturation\w*|temp\w*|\w*varde\w*|matvarde\w*|resultat\w*|results?|kon(?:et)?|gender|sex|diagnos\w*|historik\w*|history|dokument\w*|etikett\w*|provetikett\w*|labels?|kurva\w*|larm\w*|alarms?|alerts?|telemetri\w*|telemetry|monitor\w*|pump\w*|\w*lista\w*|list|allergi\w*|allerg\w*|varning\w*|note|notes|report|reports|record|records|chart|charts|meds|medication\w*|dose|doses|values?|referral\w*|orders?|bild\w*|images?|rontgen\w*|prov\w*|specimen\w*|blod\w*|blood|pnr|personnummer|fin\b|operation\w*|vikt|weight|ekg|ctg)\b`);
const WRONG_OWNER = r(String.raw`\b(?:annan pat\w*|andra pat\w*|annans?\b|den andras?|den andra patient\w*|fel journal\w*|fel pat\w*|annat pnr|annat personnummer|kopplat\w* till en annan|kopplad\w* till en annan|pekar pa en annan|hor till en annan|tillhor en annan|ihop|sammanslag\w*|sammanfor\w*|tva journaler|two records|two charts|same patient|samma patient|another patient\w*|other patient\S*|someone else\S*|different patient\w*|wrong chart|wrong record|wrong patient\w*)\b`);
const CHANGED = r(String.raw`\b(?:andrat\w*|andrad\w*|andrades|har blivit fel|blivit fel|blev fel|blir fel|visar (?:annat|andra|ett annat|fel)|show\w* different|now shows?|changed|different (?:numbers?|values?|dose\w*|meds|medication\w*)|stammer inte|stamde inte|skiljer sig|skilde sig|does(?:n'?t| not) match|did(?:n'?t| not) match|mismatch\w*|inte samma|not the same|star det att|star att|says that|states that|har aldrig haft|never had|inte har|does(?:n'?t| not) have|fortfarande (?:som )?aktiv|still (?:as )?active|utsatt\w*|discontinued)\b`);
const MISSING = r(String.raw`\b(?:finns inte kvar|fanns inte kvar|inte kvar|inte med alls|finns inte med|saknas|saknades|forsvunn\w*|forsvann|forsvinner|borta|droppar|droppade|drops|dropped|kommer inte in|kom inte in|kommer inte fram|kom inte fram|come through|came through|slutat visa|slutade visa|slutar efter|stops after|cut off|not there|no longer there|missing|disappear\w*|vanish\w*|gone|tappa\w*|no trace|ingen sparning|utan spar|spar\w*lost)\b`);
const SEEN = r(String.raw`\b(?:ser|sag|syns|syntes|synlig\w*|visas|visades|klartext|kan se|kunde se|framgar|see|saw|visible|shown|showing|displayed|exposed|can see|could see)\b`);
const PROTECTED = r(String.raw`\b(?:skydd\w*|sekretess\w*|protected|confidential\w*|sparrad\w*)\b`);
// "MAR shows 100 mg but the order says 10 mg": two amounts set against each other.
const AMOUNT_CONFLICT = r(String.raw`\d+(?:[.,]\d+)? ?(?:mg|ml|g|e|ie|µg|mcg|mikrogram|enheter|units?)\b.{0,60}\b(?:men|but|medan|while|whereas|fast|istallet for|instead of)\b.{0,60}\d+(?:[.,]\d+)? ?(?:mg|ml|g|e|ie|µg|mcg|mikrogram|enheter|units?)\b`);
// A lost unsaved draft is a failure, not record corruption.
const UNSAVED = r(String.raw`\b(?:osparad\w*|unsaved|innan jag (?:hann |hunnit |har hunnit )?spara\w*|before i (?:could |had a chance to )?sav\w*|inte sparad\w*|not saved|utkast\w*|draft\w*)\b`);

/** Two quoted passages that differ by a word or two: "ingen blödning" and "blödning". */
function quotedDifference(folded: string): boolean {
  const quoted = [...folded.matchAll(/["“”«»]([^"“”«»]{2,120})["“”«»]/g)].map((m) => new Set(m[1]!.match(/[\p{L}\p{N}]+/gu) ?? []));
  for (let i = 0; i < quoted.length; i++)
    for (let j = 0; j < quoted.length; j++) {
      if (i === j) continue;
      const [a, b] = [quoted[i]!, quoted[j]!];
      const missing = [...a].filter((w) => !b.has(w)).length;
      if (b.size > 0 && missing >= 1 && missing <= 2 && [...b].every((w) => a.has(w))) return true;
    }
  return false;
}

function cooccurrence(folded: string): SafetyKind | undefined {
  if (quotedDifference(folded)) return 'text-integrity';
  if (AMOUNT_CONFLICT.test(folded)) return 'medication';
  for (const sentence of folded.split(/(?<=[.!?;])\s+|\n+/)) {
    if (PROTECTED.test(sentence) && SEEN.test(sentence)) return 'protected-identity';
    if (!CLINICAL.test(sentence)) continue;
    if (WRONG_OWNER.test(sentence)) return 'wrong-patient';
    if (CHANGED.test(sentence)) return 'lost-or-corrupt-data';
    if (MISSING.test(sentence) && !UNSAVED.test(folded)) return 'lost-or-corrupt-data';
  }
  return undefined;
}

// What staff do in the record and the tools around it; a message without any of it is not a how-to question.
const DOMAIN_TOPIC = r(String.raw`\b(?:powerchart|power ?orders?|powerplan\w*|powernote|iview|mar\b|firstnet|carecompass|message ?center|results? review|scheduling|organizer|day view|dynamic documentation|citrix|siths\w*|724\w*|downtime\w*|\w*journal\w*|\w*anteckning\w*|\w*dokument\w*|\w*ordination\w*|ordinera\w*|\w*lakemedel\w*|hemmedicin\w*|\w*remiss\w*|\w*svar(?:et|en|s)?|\w*provtagning\w*|prov\b|provet|\w*etikett\w*|\w*armband\w*|id-?band\w*|\w*skrivar\w*|\w*utskrift\w*|skriva ut|print\w*|logga\w* (?:in|ut)|loggar|incident\w*|depart\w*|akut\w*|superanvandar\w*|super-?users?|floor-?walker\w*|ledningscentral\w*|command cent\w*|inloggning\w*|losen\w*|losenord\w*|behorighet\w*|patient\w*|pat\b|tidbok\w*|bokning\w*|boka\w*|kallelse\w*|inskrivning\w*|skriva in|utskrivning\w*|epikris\w*|meddelande\w*|inkorg\w*|ombud\w*|proxy|proxies|\w*lista\w*|vardrelation\w*|vitalparametr\w*|vatskebalans\w*|matvarde\w*|reservrutin\w*|driftstopp\w*|avvikelse\w*|signera\w*|sign\w*|vidimera\w*|sekretess\w*|diagnos\w*|kod\w*|order\w*|chart\w*|note\w*|referral\w*|result\w*|lab\w*|wristband\w*|label\w*|login|log in|log on|password\w*|access|inbox|schedul\w*|appointment\w*|admission\w*|admit\w*|discharg\w*|medication\w*|meds|dose\w*|vitals|document\w*|record\w*|allerg\w*|screen\w*|skarm\w*|knapp\w*|button\w*|flik\w*|tab\b|ikon\w*|icon\w*|mall\w*|template\w*|favorit\w*|filter\w*|sok\w*|search\w*|scanner\w*|skanner\w*|streckkod\w*|barcode\w*|dator\w*|computer\w*)\b`);
// Greetings, thanks, praise, talk to or about the bot, and matters outside the record.
const SMALL_TALK = r(String.raw`\b(?:tack\w*|thanks?|thank you|hej ?da|god ?natt|godnatt|good ?night|bye|trevlig helg|have a nice|bra jobbat|great job|well done|stort tack|du\b|dig\b|boten|bot\b|robot\w*|manniska|human|real person|who built|vem byggde|lon\w*|parker\w*|park\b|kafe\w*|cafe\w*|cafeteria|cykel|bike|lunch\w*|semester\w*|vacation|holiday|weekend|helg\w*)\b`);

function safetyKind(folded: string): SafetyKind | undefined {
  for (const [kind, rule] of SAFETY_RULES) {
    if (kind === 'lost-or-corrupt-data' && UNSAVED.test(folded)) continue;
    if (rule.test(folded)) return kind;
  }
  return cooccurrence(folded);
}

/** A how-to question about a safety topic ("vad gör jag om jag valt fel patient?") that reports nothing. */
function isHypothetical(folded: string): boolean {
  const sentences = folded.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim());
  return sentences.every((s) => (HOW_TO.test(s) && (HYPOTHETICAL.test(s) || !HAPPENED.test(s.replace(/\?/g, '')))) || (CONDITIONAL_QUESTION.test(s) && s.includes('?')));
}

const SIGNALS: [string, RegExp | ((folded: string) => boolean)][] = [
  ['failure', FAILURE],
  ['weak-failure', WEAK_FAILURE],
  ['question', QUESTION],
  ['how-to', HOW_TO],
  ['conditional', CONDITIONAL_QUESTION],
  ['happened', HAPPENED],
  ['other', OTHER],
  ['complaint', COMPLAINT],
  ['blocking', BLOCKING],
  ['clinical', CLINICAL],
  ['wrong-owner', WRONG_OWNER],
  ['changed', CHANGED],
  ['missing', MISSING],
  ['protected-seen', (f) => PROTECTED.test(f) && SEEN.test(f)],
  ['amount-conflict', AMOUNT_CONFLICT],
  ['unsaved', UNSAVED],
  ['quoted-difference', quotedDifference],
  ['topic', DOMAIN_TOPIC],
  ['small-talk', SMALL_TALK],
  ['why', /\b(?:varfor|why)\b/],
  ['hypothetical', isHypothetical],
];

/** Folded, with one kind of apostrophe and single spaces: what every pattern here expects. */
export const normalizeMessage = (text: string) => fold(text).replace(/[’`´]/g, "'").replace(/\s+/g, ' ').trim();

/** Names of the patterns that fire on a message; the learned model weighs them with the words. */
export function signalsOf(folded: string): string[] {
  const fired = SIGNALS.filter(([, test]) => (typeof test === 'function' ? test(folded) : test.test(folded))).map(([name]) => name);
  const kind = safetyKind(folded);
  if (kind) fired.push(`safety:${kind}`);
  return fired;
}

export const isBlocking = (folded: string) => BLOCKING.test(folded);
export { safetyKind, isHypothetical };

/**
 * Rule triage of one message (already redacted and normalised). Safety is decided first and leans
 * towards recall: a missed safety report costs far more than a super-user reading a false alarm.
 */
export function ruleTriage(folded: string): Triage {
  const kind = safetyKind(folded);
  if (kind && !isHypothetical(folded)) return { intent: 'safety', severity: 'S1', safety: kind };
  const failure = FAILURE.test(folded);
  const question = QUESTION.test(folded);
  const topic = DOMAIN_TOPIC.test(folded);
  // "Jag hittar inte knappen, var sitter den?" asks the way; it reports no fault.
  const onlyLost = question && WEAK_FAILURE.test(folded) && !FAILURE.test(folded.replace(WEAK_FAILURE_ALL, ' '));
  if (failure && !onlyLost && (topic || !SMALL_TALK.test(folded))) {
    // "Ska man skriva avvikelse när systemet är segt?" asks for a routine; "varför går det inte …?" reports a fault.
    if (HOW_TO.test(folded) && !/\b(?:varfor|why)\b/.test(folded) && (isHypothetical(folded) || !HAPPENED.test(folded))) return { intent: 'question', severity: 'S4' };
    // "Går det att …?" asks whether something is possible.
    if (/^\W*(?:gar det att|kan man|is it possible)\b/.test(folded) && !/\b(?:inte|ej|not)\b/.test(folded)) return { intent: 'question', severity: 'S4' };
    return { intent: 'failure', severity: BLOCKING.test(folded) ? 'S2' : 'S3' };
  }
  if (OTHER.test(folded) || (COMPLAINT.test(folded) && !question)) return { intent: 'other', severity: 'S4' };
  if (!topic || (SMALL_TALK.test(folded) && !question)) return { intent: 'other', severity: 'S4' };
  return { intent: 'question', severity: 'S4' };
}
