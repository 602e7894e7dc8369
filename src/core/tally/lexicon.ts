/**
 * What a failure report can name, as canonical concepts: the module or device that broke, the thing
 * it handles, the function that failed and the symptom. Staff write Swedish work words and English
 * screen labels in the same sentence, so each concept lists both (after the glossary in
 * knowledge/ordlista.md). Patterns run on folded text (lower case, å/ä/ö → a/a/o); a bare `\w*` on
 * either side lets Swedish compounds match ("armbandsskrivaren" is a wristband and a printer).
 */

/**
 * module/device/object: what broke (they keep groups apart); function: what the user was doing;
 * symptom: how it failed; topic: other words worth more than a plain word, in either language
 * ("journal" = "chart"), that never keep groups apart.
 */
export type Facet = 'module' | 'device' | 'object' | 'function' | 'symptom' | 'topic';

export interface Concept {
  facet: Facet;
  id: string;
  label: string;
  pattern: RegExp;
  /** The concept this one is part of: a report naming only PowerChart may join an iView group. */
  parent?: string;
  /** A thing named in passing ("the computer"): it never keeps groups apart on its own. */
  incidental?: boolean;
  /** Symptoms: a weak one ("does not work") says that something failed, not how. */
  weak?: boolean;
  /**
   * Symptoms: a broad one ("missing", "error") is said of nearly every failure in passing ("the values
   * vanish", "we've gone to paper"), so it only counts against a match and never keeps groups apart.
   */
  broad?: boolean;
  /** Symptoms: ones in a shared family describe the same failure in different words. */
  families?: string[];
}

type Extra = Omit<Partial<Concept>, 'facet' | 'id' | 'label' | 'pattern'>;

const concept = (facet: Facet) => (id: string, label: string, source: string, extra: Extra = {}): Concept => ({ facet, id, label, pattern: new RegExp(source, 'g'), ...extra });
const module = concept('module');
const device = concept('device');
const object = concept('object');
const fn = concept('function');
const symptom = concept('symptom');
const topic = concept('topic');

// Components that run inside PowerChart.
const IN_POWERCHART: Extra = { parent: 'module:powerchart' };

const MODULES: Concept[] = [
  module('powerchart', 'PowerChart', String.raw`\bpower ?chart\w*|\bpowercart\w*`),
  module('firstnet', 'FirstNet', String.raw`\bfirst ?net\w*|\bakuttavla\w*`),
  module('surginet', 'SurgiNet', String.raw`\bsurgi ?net\w*|\bperioperative\w*|\bop-?tavla\w*|\bop-?program\w*|\boperationsplan\w*`),
  module('pharmnet', 'PharmNet', String.raw`\bpharm ?net\w*`),
  module('emar', 'eMAR', String.raw`\b(?:e-?)?mar\b|\bmaw\b|\bbcma\b|\bmedication administration\w*|\bmedication (?:list|profile)\w*|\bmed ?list\w*|\b\w*lakemedelslist\w*|\blakemedelsadministr\w*|\badministreringslist\w*|\blakemedelsguide\w*|\blakemedelsprofil\w*`, IN_POWERCHART),
  module('orders', 'PowerOrders', String.raw`\bpower ?orders?\b|\bpower ?plan\w*|\borders? for signature\b|\badd order\b|\bordinationslist\w*|\bbehandlingspaket\w*`, IN_POWERCHART),
  module('message-center', 'Message Center', String.raw`\bmessage ?cent(?:er|re)\w*|\bproxy\b|\bproxies\b|\bombud\w*|\bout of office\b|\b\w*inkorg\w*|\binbox\w*|\bmeddelandecent\w*|\bresults? (?:fyi|to endorse)\b|\bfyi\b`, IN_POWERCHART),
  module('iview', 'iView', String.raw`\bi-?view\w*|\binteractive view\b|\bvitalparametr\w*|\bmatvarde\w*|\bvatskebalans\w*|\bvatskelist\w*|\bvital signs?\b|\bvitals\b|\bflowsheet\w*|\bi&o\b`, IN_POWERCHART),
  module('mpage', 'MPage', String.raw`\bm-?pages?\w*|\bworkflow (?:page|view)\w*|\barbetsvy\w*|\bstartsida\w*|\bsjukskoterskevy\w*|\bprovider view\w*|\blakarvy\w*`, IN_POWERCHART),
  module('carecompass', 'CareCompass', String.raw`\bcare ?compass\w*|\bvardrelation\w*|\bestablish relationship\w*`),
  module('careaware', 'CareAware', String.raw`\bcare ?aware\w*|\bdevice integration\b|\bmedicintekni\w* integration\w*`),
  module('results', 'Results Review', String.raw`\bresults? review\w*|\b\w*provsvar\w*|\blabb?svar\w*|\blab ?results?\b|\bblood results?\b|\brontgensvar\w*|\bsvarstabell\w*`, IN_POWERCHART),
  module('scheduling', 'Scheduling', String.raw`\bappointment ?book\w*|\bvantelist\w*|\bwaiting lists?\b|\bscheduling\w*|\btidbok\w*|\b\w*kallelse\w*|\bappointment letters?\b`),
  module('organizer', 'Ambulatory Organizer', String.raw`\bambulatory organi[sz]er\w*|\borgani[sz]er\w*|\bdagvy\w*|\bday view\b|\bmottagningslist\w*`),
  module('documentation', 'Documentation', String.raw`\bdynamic documentation\b|\bdyn ?doc\w*|\bdd-\w*|\bpower ?note\w*|\b\w*anteckning\w*|\bnotes?\b|\bdikter\w*|\bdiktat\w*|\bdictat\w*|\bnote types?\b`, IN_POWERCHART),
  module('patient-search', 'Patient Search', String.raw`\bpatient ?search\w*|\bpatientsok\w*|\bforstoringsglas\w*|\bmagnifying glass\b`, IN_POWERCHART),
  module('patient-list', 'Patient List', String.raw`\bpatientlist\w*|\blist maintenance\b|\bcustom lists?\b|\bpatient lists?\b|\bavdelningslist\w*|\blocation-?list\w*|\blocation lists?\b`, IN_POWERCHART),
  module('discharge', 'Depart', String.raw`\bdepart\w*|\butskrivning\w*|\bepikris\w*|\bdischarg\w*`),
  module('registration', 'Registration', String.raw`\bregistrer\w*|\bquick ?reg\w*|\b(?:akut|snabb)(?:in)?(?:reg|skriv)\w*|\bregistration\w*|\binskrivning\w*|\badmi(?:t|ts|tted|tting|ssion\w*)\b|\bpm conversation\b|\bakutregistr\w*|\bregister(?:s|ed|ing)?\b|\bencounter\w*`),
  module('referral', 'Referral', String.raw`\b\w*remiss\w*|\breferral\w*|\bvardbegaran\w*`),
  module('medrec', 'Medication reconciliation', String.raw`\b\w*lakemedelsavstamning\w*|\bavstamning\w*|\bmed ?rec\b|\bmedication reconciliation\b`, IN_POWERCHART),
  module('eprescribing', 'e-prescribing', String.raw`\bnll\b|\bnationella lakemedelslistan\b|\bpascal\b|\bdosdispens\w*|\be-?recept\w*|\be-?prescri\w*|\brecept(?:et|en)?\b|\bprescriptions?\b`),
  module('pacs', 'PACS', String.raw`\bpacs\w*|\brontgenbild\w*|\bbildlank\w*|\bradiology images?\b|\bimage viewer\b|\bbildvisare\w*`),
  module('blood-bank', 'Blood bank', String.raw`\bblodcentral\w*|\btransfusion\w*|\bblood ?bank\w*|\bblodbestallning\w*|\bblood (?:product )?orders?\b|\bblodprodukt\w*|\bbestalla blod\b`),
  module('npo', 'NPÖ', String.raw`\bnpo\b|\bnationell patientoversikt\b`),
  module('patient-portal', '1177', String.raw`\b1177\b|\bjournalen pa natet\b|\bpatient portal\b`),
  module('citrix', 'Citrix', String.raw`\bcitrix\w*|\bstorefront\b|\bworkspace app\b`),
  module('sso', 'Single sign-on', String.raw`\bimprivata\w*|\bsingle sign-?on\b|\bsso\b|\btap-?inlogg\w*|\bkortinlogg\w*`),
  module('724access', '724Access', String.raw`\b724\w*|\bdowntime viewer\b|\bdt ?viewer\b`),
  module('allergies', 'Allergies', String.raw`\ballergi\w*|\ballerg(?:y|ies)\b|\boverkanslighet\w*`, IN_POWERCHART),
  module('banner-bar', 'Banner bar', String.raw`\bbanner ?bar\w*|\bpatientbanner\w*|\bnamnlist\w*`, IN_POWERCHART),
  module('specimen-collection', 'Specimen collection', String.raw`\bprovtag\w*|\bspecimen collect\w*|\bcollection lists?\b`),
];

const DEVICES: Concept[] = [
  device('printer', 'printer', String.raw`\b\w*skrivar\w*|\b\w*printer\w*|\bzebra\w*`),
  device('scanner', 'scanner', String.raw`\b\w*skanner\w*|\b\w*scanner\w*|\bstreckkodslasar\w*|\bbarcode reader\w*`),
  device('siths', 'SITHS card', String.raw`\bsiths\w*|\be-?tjanstekort\w*|\bsmart ?card\w*`, { parent: 'device:card' }),
  device('card-reader', 'card reader', String.raw`\b\w*kortlasar\w*|\bcard ?readers?\b`, { parent: 'device:card' }),
  device('card', 'card', String.raw`\bkort(?:et|en)\b|\b(?:passer|id-?)kort\w*|\bbadge\w*|\bcards?\b|\bblipp\w*|\btap(?:s|ping|ped)?\b`),
  device('computer', 'computer', String.raw`\bdator\w*|\bcomputers?\b|\bpc\b|\bworkstation\w*|\barbetsstation\w*|\bthin client\w*|\btunna? klient\w*`, { incidental: true }),
  device('pump', 'infusion pump', String.raw`\b\w*pump(?:en|ar|arna|s)?\b`),
  device('monitor', 'monitor', String.raw`\b\w*monitor(?:n|s|er|erna|ing)?\b|\bmonitorvard\w*|\b\w*overvakning\w*`),
  device('fetal-monitor', 'fetal monitor', String.raw`\bfosterovervakning\w*|\bctg\w*|\bfetal monitor\w*`, { parent: 'device:monitor' }),
  device('network', 'network', String.raw`\bwi-?fi\w*|\bwlan\b|\bnatet\b|\bnatverk\w*|\bnetwork\w*|\buppkoppling\w*`),
  device('lab-instrument', 'lab instrument', String.raw`\bblodgas\w*|\bblood gas\w*|\banalysator\w*|\banaly[sz]er\w*`),
  device('keyboard', 'keyboard', String.raw`\btangentbord\w*|\bkeyboard\w*`, { incidental: true }),
];

const OBJECTS: Concept[] = [
  // "band" alone is nearly always the wristband in these reports ("tomma band").
  object('wristband', 'Wristband', String.raw`\b\w*armba?nd\w*|\bid-?band\w*|\bid band\w*|\bwrist ?band\w*|\bidentitetsband\w*|\bband(?:et|en|s)?\b`),
  object('label', 'Label', String.raw`\b\w*etikett\w*|\blabels?\b|\bstickers?\b`),
  object('specimen-label', 'Specimen label', String.raw`\b\w*provetikett\w*|\broretikett\w*|\b(?:specimen|sample|tube) labels?\b`, { parent: 'object:label' }),
  object('autotext', 'Auto Text', String.raw`\bauto ?texte?\w*|\bautotext\w*|\bfras(?:er|erna|en)?\b|\bsnabbfras\w*|\bsmart ?phrase\w*|\bpunkt-?kommand\w*`),
  object('favorites', 'favourites', String.raw`\b\w*favorit\w*|\bfavou?rites?\b`),
  object('protected-identity', 'protected identity', String.raw`\bskyddade? (?:personuppgift|identitet)\w*|\bsekretessmark\w*|\bprotected (?:identity|personal data|patients?)\b|\bconfidentiality flag\w*`),
  object('position', 'position', String.raw`\bposition(?:s|en|er)?\b|\bbefattning\w*|\broles?\b|\brollen\b|\b(?:min|din|fel|ratt|annan|ny) roll\b`),
  object('password', 'password', String.raw`\b\w*losenord\w*|\blosen\b|\bpasswords?\b`),
];

const FUNCTIONS: Concept[] = [
  fn('print', 'print', String.raw`\bskriv\w* ut\b|\butskrift\w*|\bprint(?:s|ed|ing|a|ar|ade|at|as|out\w*)?\b|\breprint\w*`),
  fn('save', 'save', String.raw`\bspar(?:a|ar|ade|at|as|ad|ning\w*|andet)\b|\bsave[sd]?\b|\bsaving\b`),
  fn('sign', 'sign', String.raw`\bsigner\w*|\bsign(?:s|ed|ing)?\b(?! ?(?:in|on)\b)|\bvidimer\w*|\bsignatur\w*`),
  fn('order', 'order', String.raw`\bordiner\w*|\bordination\w*|\border(?:s|ed|ing)?\b|\bbestall\w*`),
  fn('log-in', 'log in', String.raw`\blogg\w* in\b|\b\w*inloggning\w*|\blog(?:s|ged|ging)? ?(?:in|on)\b|\blogin\w*|\blogon\w*|\bsign(?:s|ed|ing)? ?(?:in|on)\b|\bautentiser\w*|\bauthenticat\w*|\b(?:jag|vi|man|ingen|nagon|hon|han) (?:\w+ )?(?:kommer|kom|komma) (?:inte |aldrig |ej )?in\b|\b(?:kommer|kom) (?:jag|vi|man|ingen) (?:inte |aldrig |ej )?in\b|\bkommer (?:inte|aldrig|ej) in i (?:millennium|systemet|citrix|powerchart|firstnet)\b|\bget (?:in|into)\b`),
  fn('scan', 'scan', String.raw`\bskann(?:a|ar|ade|at|as|ing\w*)\b|\bscann(?:a|ar|ade|at|as|ing|ed)\b|\bscan(?:s)?\b|\blas(?:a|er|te) (?:av )?\w*streckkod\w*`),
  fn('search', 'search', String.raw`\bsok(?:a|er|te|t|ning\w*|funktion\w*)?\b|\bsearch\w*|\bpatientsok\w*`),
  fn('open', 'open', String.raw`\boppn\w*|\w*oppning\w*|\bopen(?:s|ed|ing)?\b|\blaunch\w*|\bstart(?:a|ar|ade|at|s|ed)?\b(?! om\b| over\b)|\bg(?:a|ar|ick) in (?:pa|i)\b|\bska in i\b|\bclick\w* into\b`),
  fn('send', 'send', String.raw`\bskick\w*|\bsend\w*|\bsent\b|\btransmi\w*|\bsubmi\w*|\bivag\b`),
  fn('administer', 'administer', String.raw`\badministrer\w*|\badminister\w*|\bge lakemedel\w*|\bgive meds?\b`),
  fn('document', 'document', String.raw`\bdokumenter\w*|\bdocument(?:s|ed|ing)?\b|\bchart(?:ing|ed)\b|\bchart (?:meds|vitals|values)\b|\bfora in\b`),
  fn('load', 'load', String.raw`\bladd(?:a|ar|as|ade|ning)\b|\bload(?:s|ed|ing)?\b`),
  fn('refresh', 'refresh', String.raw`\bupdat\w*|\buppdater\w*|\brefresh\w*`),
  fn('book', 'book', String.raw`\bboka\w*|\bbokning\w*|\bbook(?:s|ed|ing)?\b`),
  fn('add', 'add', String.raw`\blagg\w* till\b|\badd(?:s|ed|ing)?\b|\binsert\w*`),
  fn('associate', 'associate', String.raw`\bpara ihop\b|\bkoppla\w* (?:till|ihop)\b|\bassociat\w*|\bpair(?:s|ed|ing)?\b`),
  fn('verify', 'verify', String.raw`\bverifi\w*|\bverify\w*`),
  fn('sync', 'sync', String.raw`\bsync\w*|\bsynk\w*`),
  fn('transfer', 'transfer', String.raw`\btransfer\w*|\boverflytt\w*`),
  fn('forward', 'forward', String.raw`\bvidarebefordr\w*|\bforward\w*`),
  fn('copy', 'copy/paste', String.raw`\bkopier\w*|\bklistr\w*|\bcopy\w*|\bpast(?:e|es|ed|ing)\b`),
  fn('select', 'select', String.raw`\bvalj(?:a|er|s)?\b|\bvalde\b|\bselect(?:s|ed|ing)?\b|\bchoos(?:e|es|ing)\b|\bchose\b`),
  fn('move', 'move', String.raw`\bflytt(?:a|ar|ade|as|at)\b|\bmov(?:e|es|ed|ing)\b|\bdra och slapp\b|\bdrag(?:ging)? and drop\w*`),
  fn('assign', 'assign', String.raw`\btilldel\w*|\bassign(?:s|ed|ing|ment)?\b`),
  fn('change', 'change', String.raw`\bbyt(?:a|er|e|t)\b|\b\w*bytet\b|\bchang(?:e|es|ed|ing)\b`),
];

// "fel rum", "wrong dose": a wrong value, where a bare "fel" is an error.
const WRONG_THINGS = String.raw`(?:varde|dos|datum|tid|namn|uppgift|information|info|siffr|enhet|sprak|rum|sang|sal|kon|alder|vikt|langd|format|storlek|marginal|tidszon)\w*`;

const SYMPTOMS: Concept[] = [
  symptom('black', 'black screen', String.raw`\bsvart(?:a)?\b|\bblack(?:ed)? (?:out|screen|window)\b|\bblack\b`, { families: ['absent', 'unresponsive'] }),
  symptom('blank', 'blank', String.raw`\btom(?:ma|t|a|ts|da)?\b|\bblank\w*|\bvit(?:a|t)?\b|\bwhite\b|\bempty\b|\bgra ruta\b|\bgr[ae]y (?:box|square)\b|\butan (?:text|tryck)\b|\binget tryck\b|\bno (?:text|print)\b|\bnothing (?:printed|on (?:it|them|the \w+))\b|\b(?:prints?|printing|printed) nothing\b|\b(?:skriver|trycker) (?:inget|ingenting)\b|\bosynlig\w*|\binvisible\b|\bvisar (?:inga|ingen|inget|0)\b|\bshows? (?:no|nothing|0)\b|\binga (?:patienter|operationer|komponenter)\b`, { families: ['absent'] }),
  symptom('missing', 'missing', String.raw`\bsaknas\b|\bsaknade?s?\b|\bborta\b|\bforsvunn\w*|\bforsvann\w*|\bforsvinn\w*|\bmissing\b|\bdisappear\w*|\bvanish\w*|\bgone\b|\bsyn(?:s|ts|tes) (?:inte|ej|inga)\b|\bvisa(?:s|des) inte\b|\bkommer (?:inte|aldrig) (?:upp|fram|med|till)\b|\bdyker inte upp\b|\bnot (?:show|display|visible|appear|there)\w*|\b(?:doesn|don|didn|isn|aren)'?t (?:show|appear|display|visible|there)\w*|\bdoes not (?:show|appear|display)\b|\bfinns inte (?:med|kvar)\b|\btappa\w*|\blost\b|\bhittar (?:inte|ej)\b|\bhittas (?:inte|ej)\b|\binte hittas\b|\bcan'?t find\b|\bcannot find\b|\bnot found\b|\bnot (?:coming|getting) through\b|\bkommer (?:inte|aldrig) (?:in )?(?:i|till) journal\w*|\bwhere (?:did|are|is)\b|\b(?:ger|gav|visar) (?:inga|ingen) traff\w*|\bno (?:hits|matches)\b|\breturns? nothing\b|\bdyker ingen \w+ upp\b`, { families: ['absent', 'connection'], broad: true }),
  symptom('stale', 'not updated', String.raw`\buppdater\w* (?:inte|ej)\b|\bnot (?:refresh|updat)\w*|\b(?:hasn|doesn|isn|haven|don)'?t (?:been )?(?:refresh|updat)\w*|\bgammalt lage\b|\bgammal (?:bild|data)\b|\bold (?:picture|data|image|view)\b|\bstillbild\w*|\bgardagens\b|\byesterday'?s\b|\bforra veckan\b|\blast week'?s\b|\bstale\b|\bout of date\b`, { families: ['unresponsive', 'absent'] }),
  symptom('freeze', 'freezes', String.raw`\bhang\w* (?:sig|sej|upp)\b|\bhanger\b|\bfryser\b|\bfros\b|\bfrus(?:it|en|na|et)\b|\bfrys\w*|\bfreez\w*|\bfroze\w*|\bhang(?:s|ing)?\b|\bhung\b|\blas(?:er|te|t) sig\b|\blocks? up\b|\blocked up\b|\bstuck\b(?! (?:in|at) )|\bnot responding\b|\bsvarar inte\b|\bslutar svara\b|\btimglas\w*|\bhourglass\w*|\bsnurr\w*|\bspinn\w*|\bstar (?:allt |bara )?still\b|\bstatt still\b|\baktivitetshanterar\w*|\btask manager\b|\bend task\b|\balt-f4\b|\bturns? gr[ae]y\b`, { families: ['unresponsive'] }),
  symptom('crash', 'crashes', String.raw`\bkrasch\w*|\bcrash\w*|\bstangs (?:ner|av)\b|\bstanger (?:ner )?sig\b|\bshuts? down\b|\bclos(?:es|ed|ing) (?:itself|down|by itself|straight away)\b|\bkastas ut ur\b`, { families: ['unresponsive'] }),
  symptom('no-response', 'nothing happens', String.raw`\bhander (?:ingenting|inget)\b|\bgor (?:ingenting|inget)\b|\b(?:inget|ingenting) hander\b|\bnothing happens\b|\bdoes nothing\b|\bno reaction\b|\breagerar inte\b|\b(?:doesn|does not|won)'?t? respond\w*`, { families: ['unresponsive'], broad: true }),
  symptom('slow', 'slow', String.raw`\bseg(?:t|a|are|ast)?\b|\bsegheten\b|\b\w*langsam\w*|\bslow\w*|\bsnigel\w*|\bsirap\b|\bmolasses\b|\bcrawl\w*|\bevighet\w*|\btar (?:en )?evighet\b|\btar (?:sa |jatte|valdigt |extremt )?lang tid\b|\btakes? (?:forever|ages)\b|\btakes? (?:a )?(?:very )?long time\b|\btakes? (?:a |half a )?minute\b|\b(?:en )?halv minut\b|\bhalf a minute\b|\b\d+ (?:sekunder|seconds)\b|\blagg(?:ar|ig|y|ing)\b|\blags?\b|\bsluggish\b|\btrog\w*|\bvantetid\w*`, { families: ['slow'] }),
  symptom('delayed', 'delayed', String.raw`\bforsenad\w*|\bdelay\w*|\b(?:kommer|kom|komma) (?:in |fram )?(?:flera timmar |timmar |mycket )?sent\b|\bslapar\b|\bdrojer\b|\w*droj\w*|\btak(?:e|es|ing) (?:\d+(?:-\d+)? )?hours\b|\btar (?:\d+ )?timmar\b|\btog \d+ ?(?:h|timmar)\b|\bforst efter\b|\binte forran\b|\bhours? late\b|\btimmar sent\b`, { families: ['slow'] }),
  symptom('wrong-patient', 'wrong patient', String.raw`\bfel (?:patient\w*|pat|person\w*)\b|\bwrong (?:patient|person)\w*|\bannan (?:patient\w*|pats?|kvinnas|mans|persons?)\b|\banother (?:patient|woman|man|person)\w*|\bother patient\w*|\bforvaxl\w*|\bnagon annans?\b|\bsomeone else\w*|\bmixed up\b|\bannans (?:namn|uppgifter|personnummer)\b|\bforra patient\w*|\bprevious patient\w*|\bforegaende patient\w*|\blast patient\w*`),
  symptom('wrong-destination', 'wrong printer', String.raw`\bfel skrivar\w*|\bwrong printer\w*|\ben annan (?:skrivare|vaning|avdelning)\b|\bannan (?:vaning|avdelning)\b|\b(?:another|other|different) (?:printer|floor|ward)\b|\bfel (?:avdelning|vaning|plats)\w*|\bwrong (?:ward|unit|floor|location)\b|\bhamna\w* (?:pa|hos|i) (?:fel|en annan|annan)\b|\bhamna\w* hos\b|\bhamna\w* (?:\w+ ){0,3}(?:i|pa|hos) \w+s skrivar\w*|\bistallet for hos oss\b|\binstead of ours\b|\brout\w* to\b|\bend(?:s|ed)? up (?:on|at|in) (?:the )?(?:wrong|another|a different)\b`),
  symptom('offline', 'offline', String.raw`\bnere\b|\bligger nere\b|(?<!shut |slow |slowed |slows |break |broke |goes |went |upside )\bdown\b|\boffline\w*|\bej ansluten\b|\binte ansluten\b|\bnot connected\b|\bingen kontakt\b|\bno contact\b|\bfrankopplad\w*|\bunavailable\b|\bnot available\b|\binte tillganglig\w*|\botillganglig\w*|\bur funktion\b|\bno network\b|\bserver\w*|\bunreachable\b|\bcannot connect\b|\bcan'?t connect\b|\bcan'?t reach\b|\bcannot reach\b|\bkommer (?:inte|ej) at\b|\butan system\b|\bnever receives\b|\bdoda\b|\bdead\b`, { families: ['connection'] }),
  symptom('disconnect', 'disconnects', String.raw`\bdisconnect\w*|\breconnect\w*|\bateransl\w*|\bkopplar? (?:ner|ifran)\b|\bkopplas (?:ner|ifran|bort)\b|\btappa\w* (?:[\w-]+ )?[\w-]*(?:anslutning|kontakt)\w*|\bslang\w* ut\b|\bdrop(?:s|ping|ped)? (?:my |the |our )?(?:session|connection)\w*|\banslutningen (?:bryts|brots|avbrots|avbryts|forsvann)\b|\bconnection (?:interrupted|lost|dropped|drops)\b|\blost connection\b|\bkick\w* (?:me |us )?out\b|\bkasta\w* ut\b|\butkasta\w*|\baker (?:man |jag |vi )?ut\b|\bloggas ut\b|\butloggad\w*|\butloggning\w*|\bauto-?logout\w*|\bauto log ?out\w*|\blogg(?:ar|ade|as|ades) (?:mig |oss |dig |en )?ut\b|\blogs (?:me |us |you )?out\b|\blogged (?:me |us )?out\b|\bsession\w* (?:\w+ ){0,3}(?:dor|bryts|brots|avslut\w*|ended|expire\w*|drop\w*|timed out)\b|\btime ?out\w*|\btimed out\b`, { families: ['connection'] }),
  symptom('loop', 'loops', String.raw`\bloop\w*|\bborjar om\b|\bstartar om fran borjan\b|\btillbaka till\b|\bback to\b|\bigen och igen\b|\bagain and again\b|\bkeeps asking\b|\brunt runt\b|\bround and round\b`),
  symptom('duplicate', 'duplicates', String.raw`\bdubbel(?!-?klick|sidig|skarm)\w*|\bkopior\b|\bcopies\b|\btriplicat\w*|\bin duplicate\b|\bdubbl(?!a skarm)\w*|\bduplicat\w*|\bdouble[ds]?\b(?![- ]?(?:click|screen|monitor|sided))|\btva (?:kopior|exemplar|av varje)\b|\btwo copies\b|\bflera kopior\b|\bmultiple copies\b`),
  symptom('truncated', 'cut off', String.raw`\bkapad\w*|\bkapas\b|\bkapades\b|\bavklippt\w*|\bklipp\w* av\b|\btruncat\w*|\bcut off\b|\bhalva\b|\bofullstandig\w*|\bincomplete\b`, { families: ['layout'] }),
  symptom('misaligned', 'misaligned', String.raw`\bupp och ner\b|\bupside down\b|\bsned\w*|\bforskjut\w*|\bmisalign\w*|\boffset\b|\bfel (?:format|storlek|marginal\w*)\b|\bwrong (?:format|size|margins?)\b|\butanfor (?:kanten|etiketten|bandet)\b|\bover kanten\b|\boff the edge\b|\boverlapp\w*|\bskev\w*|\bcrooked\b|\bhalvvags\b|\bmitt pa\b|\bspill\w* over\b|\bonto the next\b|\bhalf off\b`, { families: ['layout'] }),
  symptom('garbled', 'garbled', String.raw`\bkonstiga tecken\b|\bobegriplig\w*|\bgarbled\b|\bgibberish\b|\bstrange (?:characters|symbols)\b|\bweird (?:characters|symbols)\b|\brutor istallet\b|\bfragetecken\b|\bsymboler\b|\bkryptisk\w*`),
  symptom('no-access', 'no access', String.raw`\bbehorighet\w*|\baccess\w*|\batkomst\w*|\bpermission\w*|\bprivilege\w*|\bnot authori[sz]ed\b|\bunauthori[sz]ed\b|\bnekad\w*|\bdenied\b|\bsparrad\w*|\blocked out\b|\baccount (?:has been |is |was )?locked\b|\bkontot (?:ar |har )?(?:last|sparrat)\w*|\b\w{4,}ratt(?:en|er)?\b|\b(?:inga|inget|no) (?:konto|konton|accounts?)\b|\blast konto\b`, { families: ['denied'] }),
  symptom('rejected', 'rejected', String.raw`\brejected\b|\bfelaktig\w* (?:inloggningsuppgift|losenord|anvandarnamn|pin)\w*|\b(?:invalid|wrong|incorrect) (?:credentials|password|username|pin)\b|\bavvisa\w*|\bgodk?an\w* (?:aldrig|inte|ej)\b|\bgodtas (?:inte|ej)\b|\bnot accepted\b|\binte uppfyller\b|\b(?:does not|doesn'?t) meet\b|\buppfyller inte\b|\bnekas\b|\binvalid\b|\bogiltig\w*`, { families: ['denied'] }),
  symptom('wrong-data', 'wrong data', String.raw`\bfel ${WRONG_THINGS}|\bwrong (?:value|dose|date|time|name|data|info\w*|unit|language|room|bed|age|weight|sex|gender)\w*|\bfelaktig\w*|\bincorrect\w*|\bstammer inte\b|\b(?:doesn|don)'?t (?:match|add up)\b|\bdoes not (?:match|add up)\b|\bmismatch\w*|\b(?:en|one|1) (?:timme|hour)\w* (?:fel|off|ahead|behind|late|early)\b|\b(?:shifted|hoppat|flyttat) (?:en|an|one) (?:timme|hour)\b|\bhour off\b|\btidszon\w*|\btime ?zone\w*|\bstar som\b|\bpa engelska\b|\bin english\b|\bdifferent from\b`),
  symptom('faint', 'faint print', String.raw`\bsuddig\w*|\bblek(?:a|t)?\b|\botydlig\w*|\bfaint\w*|\bsmudg\w*|\bblurr\w*|\bfuzzy\b|\bsmetig\w*|\brandig\w*|\bstreak\w*|\bstriped\b`, { families: ['unreadable', 'layout'] }),
  symptom('unreadable', 'not read', String.raw`\bolasbar\w*|\bolasli\w*|\blas(?:es|er|te|tes) (?:inte|ej)\b|\bkan inte las(?:a|as)\b|\bgar (?:inte|ej) att lasa\b|\b(?:won|doesn|don|didn)'?t read\b|\bdoes not read\b|\bnot reading\b|\bunreadable\b|\bcan'?t read\b|\bcannot read\b|\bpiper inte\b|\bno beep\b|\bkanner (?:inte|ej) igen\b|\bkanns (?:inte|ej) igen\b|\bnot recogni[sz]ed\b|\bunrecogni[sz]ed\b|\b(?:won|doesn)'?t accept\b|\baccepterar (?:inte|ej)\b`, { families: ['unreadable'] }),
  symptom('jammed', 'jammed', String.raw`\bjam(?:s|med|ming)?\b|\b(?:skrivar|printer)\w* (?:\w+ )?(?:fastnar|fastnade|sitter fast)\b|\b(?:fastnar|stuck) (?:inside|inne|i skrivaren)\b|\btugg\w*|\bpappersstopp\w*|\bpapperstrassel\w*|\bstopp i skrivaren\b|\bpaper jam\w*`),
  symptom('settings-lost', 'settings lost', String.raw`\baterstalls\b|\baterstaller sig\b|\baterstalldes\b|\bnollstall\w*|\breset(?:s|ting)?\b|\bhoppar tillbaka\b|\bforgets?\b|\bkommer inte ihag\b|\bminns inte\b|\b(?:doesn'?t|does not) remember\b|\brevert\w*|\bsnaps? back\b|\bkeeps switching\b`),
  symptom('disabled', 'greyed out', String.raw`\b(?:ar|is|are|blir) (?:gra|gratt|grey|gray)\b|\bgr[ae]yed out\b|\binaktiv\w*|\bdisabled\b`),
  symptom('flicker', 'flickers', String.raw`\bblink\w*|\bflicker\w*|\bflimmr\w*`),
  symptom('display', 'display size', String.raw`\bkrymp\w*|\bshrink\w*|\b(?:sa|for) (?:liten|litet|sma)\b|\b(?:so|too) (?:small|tiny)\b|\bzoom\w*|\btypsnitt\w*|\bfonts?\b`, { families: ['layout'] }),
  symptom('not-delivered', 'not delivered', String.raw`\bfastna\w* i (?:status|kon|utkorgen|pending)\w*|\bstuck (?:in|at) (?:status |the )?(?:pending|queue|outbox)\w*|\bpending\b|\bnar (?:inte|aldrig) (?:fram )?\w*|\bnever reach\w*|\b(?:doesn|don|isn|aren)'?t (?:reach|arriv)\w*|\bnot (?:reaching|arriving)\b|\bkommer (?:inte|aldrig) (?:fram|ivag)\b|\bgar (?:inte|aldrig) ivag\b|\bnever (?:arriv|get)\w* (?:there|through)?\b|\bej skickad?e?t?\b|\bnot sent\b`, { families: ['absent'] }),
  symptom('error', 'error', String.raw`\bfelmeddelande\w*|\b\w{3,}fel(?:et|en)?\b|\bfelkod\w*|\bfelruta\w*|\berror\w*|\bexception\w*|\bfailed\b|\bfailure\b|\bvarningsruta\w*|\bdialogruta\w*|\bpop-?up\w*|\bpops up\b|\bthrows\b|\bett fel\b|\bfelet\b|\bfel\b(?! (?:patient|pat|person|skrivare|avdelning|vaning|plats)\w*| ${WRONG_THINGS})`, { families: ['error', 'unresponsive'], broad: true }),
  symptom('fails', 'fails', String.raw`\bgar inte\b|\bgick inte\b|\bkan inte\b|\bkunde inte\b|\bkan ej\b|\bcannot\b|\bcan'?t\b|\bcouldn'?t\b|\bunable\b|\bfunger\w* (?:inte|int|ej)\b|\bfunka\w* (?:inte|int|ej)\b|\bslutad?e? (?:att )?(?:funk|funger)\w*|\bstopped working\b|\bwon'?t\b|\bvagrar\b|\brefuses?\b|\b\w+(?:ar|er|as) aldrig\b|\b(?:doesn|don|won|didn)'?t (?:work|save|open|load|send|print)\b|\bnot (?:working|saving|sending|loading|printing)\b|\bfails?\b|\bmisslyck\w*|\bbroken\b|\btrasig\w*|\bsonder\b|\bstrul\w*|\bbugg\w*|\bbug\b|\bproblem\w*|\bissue\w*|\bfastnar\b|\bgar aldrig igenom\b|\b\w+(?:as|ades) (?:inte|ej|aldrig)\b`, { weak: true, families: ['error'] }),
];

// Common words of the domain in both languages, so that "journal" meets "chart".
const TOPICS: Concept[] = [
  topic('chart', 'chart', String.raw`\bjournal(?:en|er|erna|s)?\b|\bcharts?\b|\brecords?\b`),
  topic('list', 'list', String.raw`\blist(?:a|an|or|orna|s|e)?\b|\b\w+listan?\b|\b\w+lists?\b`),
  topic('queue', 'queue', String.raw`\bko(?:n|er|erna)?\b|\b\w+kon\b|\bqueues?\b`),
  topic('barcode', 'barcode', String.raw`\b\w*streckkod\w*|\bbar ?codes?\b|\bqr\b`),
  topic('template', 'template', String.raw`\bmall(?:en|ar|arna)?\b|\b\w{3,}mall(?:en|ar|arna)?\b|\btemplates?\b`),
  topic('menu', 'menu', String.raw`\b\w*meny(?:n|er|erna)?\b|\bmenus?\b|\bdrop-?down\w*|\brullgardin\w*`),
  topic('view', 'view', String.raw`\b\w+[srlet]vy(?:n|er|erna)?\b|\bvy(?:n|er|erna)?\b|\bviews?\b`),
  topic('filter', 'filter', String.raw`\bfilt(?:er|ret|ren|rering)\w*|\bfilters?\b`),
  topic('calendar', 'calendar', String.raw`\bkalender\w*|\bcalendar\w*`),
  topic('prn', 'as needed', String.raw`\bprn\b|\bvid behov\w*|\bbehovs(?:lakemedel|ordination|medicin)\w*|\bas[- ]needed\b`),
  topic('migration', 'migration', String.raw`\bmigrer\w*|\bmigrat\w*|\bkonverter\w*|\bgamla systemet\b|\bold system\b`),
  topic('column', 'column', String.raw`\b\w*kolumn\w*|\bcolumns?\b`),
  topic('time', 'time', String.raw`\btid(?:er|erna|en)?\b|\b\w+tid(?:er|erna)\b|\btimes?\b|\bklockslag\w*|\btimme\w*|\bhours?\b`),
  topic('dose', 'dose', String.raw`\b\w*dos(?:er|erna|en)?\b|\bdoses?\b|\bdosering\w*|\bmeds\b|\bmedicin\w*|\blakemedel\w*|\blkm\b`),
  topic('board', 'board', String.raw`\btavla\w*|\btavlan\b|\bboards?\b|\btracking\w*`),
  topic('session', 'session', String.raw`\bsession\w*`),
  topic('ed', 'emergency department', String.raw`\bakut(?:en|mottagning\w*)?\b|\bed\b|\bemergency\b`),
  topic('pending', 'pending', String.raw`\bpending\b|\bstatus\b`),
  topic('pharmacy', 'pharmacy', String.raw`\b\w*apotek\w*|\bpharmac\w*`),
  topic('result', 'results', String.raw`\bresults?\b|\bsvar(?:en|et)?\b|\bprov(?:er|erna|et)?\b|\blabb?\b`),
  topic('button', 'button', String.raw`\b\w*knapp\w*|\bbuttons?\b`),
  topic('task', 'task', String.raw`\b\w*uppgift\w*|\btasks?\b`),
  topic('window', 'window', String.raw`\b\w*fonster\w*|\bwindows?\b|\b\w*ruta(?:n|or)?\b|\bscreen\w*|\b\w*skarm\w*`),

  // Numbers and characters. "komma" is also "to come" ("komma in"): only the mark, by its forms or next to "punkt".
  topic('decimal', 'decimal separator', String.raw`\bdecimal\w*|\bkommateck\w*|\bkommat\b|\bkommasep\w*|\bpunkt (?:eller|istallet for|i stallet for|och|\/|mot) komma\b|\bkomma (?:eller|istallet for|i stallet for|och|\/|mot) punkt\w*|\b(?:ett|med|utan|skriver|skriva|satter|satta|anvander) komma\b(?! (?:in|at|ut|fram|till|upp|ihag|tillbaka|over|dit|hit|att|igang|pa|med|i|och)\b)|\bcommas?\b|\b(?:thousands? )?separator\w*|\b\w*avgransare\w*|\b(?:point|dot|period) instead of\b|\bavrund\w*|\bround(?:s|ed|ing)? (?:up|down|off)\b|\brounded\b|\bheltal\w*|\bintegers?\b`),
  topic('characters', 'characters/encoding', String.raw`(?<!\bkonstiga )\btecken(?:et|s)?\b(?! pa\b)|\b(?!komma|decimal|frage|kanne|klar)\w+tecken(?:et)?\b|(?<!\b(?:strange|weird) )\bcharacters?\b|\bbokstav\w*|\bteckenkod\w*|\bteckenuppsattning\w*|\bencoding\w*|\butf-?8\b|\bunicode\b|\bascii\b|\biso-?8859\w*|\baao\b|\ba ?, ?a ?(?:,|och|o|&|and) ?o\b|\bdiakrit\w*|\bumlaut\w*`),
  topic('input-language', 'keyboard input language', String.raw`\binput languages?\b|\binmatningssprak\w*|\bsprakfalt\w*|\blanguage bar\b|\bsprakval\w*|\b(?:alt|ctrl|vanster alt) ?\+ ?shift\b|\ben-us\b|\bsv-se\b|\bqwerty\b|\b(?:us|amerikansk\w*|engelsk\w*|svensk\w*|english|swedish|american|norsk\w*)(?=[ -](?:layout|tangentbord|keyboard))|(?<=\b(?:tangentbord\w*|keyboard\w*)[ -])(?:layout|sprak)\w*`),
  topic('language', 'language', String.raw`(?<!\bfel )\b(?!inmatning|tangentbord)\w*sprak(?:et|en)?\b|(?<!\b(?:wrong|input) )\blanguages?\b(?! bar\b)|(?<!\bpa )\bengelsk(?:a|t)?\b(?![ -](?:layout|tangentbord|keyboard))|\bsvengelska\b|\boversatt\w*|\btranslat\w*|\bpa svenska\b|\bin swedish\b`),

  // Forms and what is on them.
  topic('field', 'field', String.raw`\b(?!aktivitets|system|sprak|verktyg|\w*(?:band|skrivar|printer|remiss|anteckning|etikett|losenord|inloggning))\w*falt(?:et|en|er|erna)?\b|(?<!\bmerge ?)\bfields?\b`),
  topic('form', 'form', String.raw`\b(?!\w*(?:remiss|registrer|anteckning|kallelse))\w*formular\w*|(?<!\b(?:i|paper) )\bforms?\b(?! (?:av|of)\b)|\bad ?hoc\b`),
  topic('mandatory', 'mandatory', String.raw`\bobligatorisk\w*|\bmandatory\b|\brequired\b|\bkravs\b|\bmaste fyllas i\b|\bmust be (?:filled|completed|entered)\b|\btvingande\w*|\basterisk\w*|\b(?:rod|roda|rott) stjarn\w*|\bstjarnmarkerad\w*|\bred (?:star|asterisk)\w*|\bhard ?stop\w*`),
  topic('checkbox', 'checkbox', String.raw`\bcheck ?box\w*|\btick ?box\w*|\bbock(?:a|ar|ade|at|en|arna)?\b|\bkryssa(?:r|de|t|s)?\b|\b(?:i|bort)?kryssad\w*|\btick(?:ed|ing)?\b|\bunticked\b|\buncheck\w*`),
  // Only the qualifier: the screen itself is the window topic, the monitor a device.
  topic('second-screen', 'second screen', String.raw`\b(?:andra|second|dual|extra|tva|bada|both|multiple|flera|extern|externa|external|primary)(?= (?:bild)?(?:skarm\w*|screens?\b|monitor\w*|displays?\b))|(?<=\b(?:skarm\w*|screens?|monitor\w*) )(?:nr |nummer |number |#)?(?:2|3|tva|two)\b|\bmulti(?=-?(?:monitor|screen|skarm))|\bhuvud(?=skarm)`),
  topic('attachment', 'attachment', String.raw`\b(?!remiss)\w*bilag(?:a|an|or|orna)\b|\battach\w*|\bbifog\w*|\bin-?s(?:k|c|ck)ann\w*|\bmediagalleri\w*|\bmedia gallery\b|\bcamm\b|\bdokumentarkiv\w*`),
  topic('file', 'file', String.raw`\bfil(?:en|er|erna)?\b|\b(?:pdf|text|logg|word|excel|zip|bild)-?fil(?:en|er|erna)?\b|\bfiles?\b(?! (?:an?|the|en|ett) \w)|\bpdf\w*|\bmapp(?:en|ar|arna)?\b|\bfolders?\b|\bfilformat\w*|\bfile ?formats?\b`),
  topic('image', 'image', String.raw`(?<!\bgammal )\b(?!rontgen|still|skarm)\w*bild(?:en|er|erna)?\b|(?<!\b(?:radiology|old) )\bimages?\b(?! viewer\b)|\bimaging\b|(?<!\bold )\bpictures?\b|\bphotos?\b|\bfoto\w*|\bthumbnail\w*|\bminiatyr\w*`),
  topic('table', 'table', String.raw`\btabell(?:en|er|erna)?\b|\b(?!\w*svars)\w+tabell(?:en|er|erna)?\b|\btables?\b|\bgrid\w*|\brutnat\w*|\bspreadsheet\w*|\bkalkylblad\w*`),
  topic('text-formatting', 'text formatting', String.raw`\bformatering\w*|\bformatting\b|\bformatted\b|\bfetstil\w*|\bfet text\b|\bbold\b|\bkursiv\w*|\bitalic\w*|\bunderstruk\w*|\bunderlin\w*|\bradbrytning\w*|\bline ?breaks?\b|\bnewlines?\b|\bstycke(?:n|t|na|indelning\w*)?\b|\bparagraph\w*|\bindrag\w*|\bindent\w*|\bbullet\w*|\bwhitespace\b|\bmellanslag\w*|\bradavstand\w*|\bline spacing\b|\brich text\b|\brtf\b|\bplain text\b|\bren text\b`),
  topic('spellcheck', 'spelling/autocorrect', String.raw`\bstavning\w*|\bspell ?check\w*|\bspelling\b|\bautocorrect\w*|\bautokorr\w*|\bautocomplet\w*|\bautokomplet\w*|\bordforslag\w*|\bword suggestions?\b`),
  topic('placeholder', 'placeholder/merge field', String.raw`\bplaceholder\w*|\bplatshallar\w*|\bmerge ?fields?\b|\bfaltkod\w*|\bvariab(?:el|eln|ler|lerna|les?)\b|\bauto-?fill\w*|\bautoifyll\w*|\bforifyll\w*|\bprefill\w*|\bpre-?populat\w*|\bauto-?populat\w*|(?<=\bhamtas (?:inte |ej )?)automatiskt\b|(?<=\bfylls (?:inte |ej )?i )automatiskt\b`),
  topic('letter', 'letter', String.raw`(?<!\bappointment )\bletters?\b|\bbrev(?:et|en)?\b|\bbrev(?=mall)|\b(?!\w*(?:kallelse|remiss))\w+brev(?:et|en)?\b|\butskick\w*|\bmailing\w*|\bkorrespondens\w*|\bcorrespondence\b|\bkuvert\w*|\benvelopes?\b`),
  topic('color', 'colour', String.raw`\bfarg(?:en|er|erna|ad|ade|at|kod\w*|markering\w*|markerad\w*)?\b|\bcolou?r(?:s|ed|ing)?\b|\bcolou?r-?cod\w*|\bhighlight\w*|\bmarkerad(?:e|es)?\b|\bmarkering(?:en|ar)?\b|\b(?:rod|roda|rott|red|gron|grona|gront|green|gul|gula|gult|yellow|orange|bla|blue|lila|purple)(?= (?:farg|markering|text|rad|flagga|ikon|symbol|prick|punkt|cirkel|triangel|highlight|flag|icon|dot|circle|box|row|bar)\w*)`),

  // Printing and paper.
  topic('page', 'page', String.raw`(?<!\b(?:a andra|vid) )\bsid(?:a|an|or|orna)\b(?! av\b)|\b(?!start|hem|webb)\w+sid(?:a|an|or|orna)\b|(?<!\b(?:m|workflow|web|home) ?-?)\bpages?\b|\bsidbrytning\w*|\bpage ?breaks?\b|\bsidhuvud\w*|\bsidfot\w*|\bfooter\w*|\bpage header\w*|\bsidnummer\w*|\bpage numbers?\b|\ba[345]\b|\b(?:liggande|staende)(?= (?:format|a4|layout|lage|sida|sidor|utskrift|papper))|\blandscape\b|\bportrait\b|\borientation\w*|(?<!\b(?:till|to|on|pa) )\bpapper(?:et|en|s)?\b|(?<!\b(?:till|to|on|pa) )\bpapers?\b(?! (?:jam|routines?|charts?|forms?|process\w*|records?)\b)`),
  topic('margin', 'margin', String.raw`(?<!\b(?:fel|wrong) )\bmarginal(?:en|er|erna)?\b|\b(?!utskrift|skrivar|etikett)\w+marginal(?:en|er|erna)?\b|(?<!\bwrong )\bmargins?\b`),
  topic('tray', 'paper tray', String.raw`\bpappersfack\w*|\bfack(?:et|en)?\b|\btrays?\b|\bmagasin(?:et)?\b|\bmanual feed\b|\bmanuell matning\b`),

  // Desktop and IT.
  topic('settings', 'settings', String.raw`\binstallning(?:ar|en|arna)?\b|\b(?!\w*(?:utskrift|skrivar|printer|sprak))\w+installning(?:ar|en|arna)?\b|\bpreferen\w*|\bsettings?\b(?! up\b)|\bkonfigur\w*|\bconfigur\w*|\boptions?\b|\balternativ(?:et|en)?\b|\bpersonaliser\w*|\bcustomi[sz]\w*|\banpassning\w*|\bprefs\b|\bdefaults?\b|\bstandardval\w*|\bforval\w*`),
  topic('tab', 'tab', String.raw`\bflik(?:en|ar|arna)?\b|\b\w+flik(?:en|ar|arna)?\b|\btabs?\b|\btabb(?:en|ar|arna)?\b`),
  topic('icon', 'icon', String.raw`\bikon(?:en|er|erna)?\b|\b(?!\w*(?:skrivar|printer))\w+ikon(?:en|er|erna)?\b|\bicons?\b`),
  topic('shortcut', 'shortcut', String.raw`\bgenvag(?:en|ar|arna)?\b|\b\w+genvag(?:en|ar|arna)?\b|\bshortcuts?\b|\bsnabbkommando\w*|\bkortkommando\w*|\bsnabbtangent\w*|\bhotkeys?\b`),
  topic('taskbar', 'taskbar/toolbar', String.raw`\baktivitetsfalt\w*|\btask ?bar\w*|\bverktygsfalt\w*|\btool ?bars?\b|\bsystemfalt\w*|\bsystem ?tray\b`),
  topic('browser', 'web browser', String.raw`\bwebblasar\w*|\bbrowser\w*|\bchrome\b|\bms ?edge\b|\bedge(?=[ -](?:browser|webblasar))|\bfirefox\b|\binternet explorer\b|\bexplorer\b|\bie-?lage\b|\bie mode\b|\bcookies?\b|\bkakor(?:na)?\b|\bcache\w*`),
  topic('link', 'link', String.raw`\blank(?:en|ar|arna)?\b|\b(?:hyper|webb|journal|direkt|genvags)lank\w*|\blinks?\b|\bhyperlink\w*|\burls?\b|\bwebbadress\w*|\bhemsida\w*|\bwebbsida\w*|\bwebsite\w*|\bweb ?page\w*|\bintranat\w*|\bintranet\w*|(?<!\bpatient )\bportal(?:en|er)?\b`),
  topic('email', 'e-mail', String.raw`\be-?post\w*|\bmejl\w*|\bmail(?:et|en|s|a|ar|ade)?\b|\be-?mails?\b|\boutlook\b`),
  topic('phone', 'phone', String.raw`\b\w*telefon\w*|\bphones?\b|\bmobil(?:en|er|erna|telefon\w*)?\b|\bsmartphone\w*|\biphone\w*|\bdect\w*|\bsokare\w*|\bpagers?\b|\bascom\w*|\bhandheld\w*|\bhanddator\w*|\bcell ?phone\w*|\bmobile\b`),
  topic('microphone', 'microphone/speech', String.raw`\bmikrofon\w*|\bmicrophones?\b|\bmic\b|\bheadset\w*|\bhorlur\w*|\bdiktafon\w*|\bspeech ?mike\w*|\btaligenkann\w*|\b(?:speech|voice) recogni\w*|\bdragon\b|\bm\*?modal\b|\bfluency\b|\bfotpedal\w*|\bfoot ?pedal\w*`),
  topic('mouse', 'mouse', String.raw`\bmus(?:en|pekare\w*|markor\w*)?\b|\bmouse\b|\bmice\b|\bmarkor(?:en|er)?\b|\bcursor\w*|\bpekare(?:n)?\b|\btouch ?pad\w*|\bstyrplatt\w*|\bhoger-?klick\w*|\bright-?click\w*`),
  topic('battery', 'battery/charging', String.raw`\b\w*batteri\w*|\bbatter(?:y|ies)\b|\bcharg(?:er|ers|ing)\b|\bladdare\w*|\bladdsta(?:tion|ll)\w*|\bladdkabel\w*|\bdockningsstation\w*|\bdocking\w*|\bdocka(?:n)?\b`),
  topic('cable', 'cable/port', String.raw`\busb\w*|\bkabel(?:n)?\b|\bkablar(?:na)?\b|\bcables?\b|\bsladd\w*|\bport(?:en|ar|arna)?\b|\bbluetooth\w*|\bblatand\w*|\bdongel\w*|\bdongle\w*|\buttag(?:et)?\b|\bsockets?\b`),
  topic('version', 'version/upgrade', String.raw`\bversion(?:en|er|erna|s)?\b|\buppgrader\w*|\bupgrad\w*|\bpatch(?:en|ar|es|ed)?\b|\breleas\w*|\bdriftsatt\w*|\bdeploy\w*|\bbuild\b|\bbygget\b`),
  topic('username', 'user name', String.raw`(?<!\b(?:invalid|wrong|incorrect) )(?<!\bfelaktig\w* )\b(?:anvandarnamn\w*|anvandar-?id\w*|usernames?|user ?(?:name|id)s?)\b|\bhsa-?id\w*|\bdoman(?:en)?\b|\bdomain\b`),
  topic('pin', 'PIN', String.raw`(?<!\b(?:invalid|wrong|incorrect) )(?<!\bfelaktig\w* )\bpin(?:-?kod(?:en|er)?|s)?\b|\bpuk(?:-?kod\w*)?\b|\bpin ?codes?\b`),
  topic('certificate', 'certificate', String.raw`\bcertifikat\w*|\bcertificates?\b|\bcerts?\b|\bssl\b|\btls\b`),
  topic('interface', 'interface', String.raw`\bgranssnitt\w*|\binterfac\w*|(?<!\bdevice )(?<!\bmedicintekni\w* )\bintegration\w*|\bintegrer\w*|\bkoppling(?:en|ar|arna)?\b|\b(?!upp|fran)\w+koppling(?:en|ar|arna)?\b|\bhl7\b|\bfhir\b|\b(?:adt|orm|oru)-?meddelande\w*|\b\w*overforing\w*|\bintegrationsmotor\w*|\brhapsody\b|\bcloverleaf\b|\bmiddleware\b`),
  topic('downtime', 'downtime', String.raw`\bdriftstopp\w*|\bdrift(?:storning|avbrott|info|meddelande|status)\w*|\bdowntime(?! ?viewer)\w*|\breservrutin\w*|\bnodrutin\w*|\bpappersrutin\w*|\bpappersjournal\w*|\bpaper (?:routines?|charts?|forms?|process\w*|records?)\b|\b(?:over|tillbaka) till papper\b|\b(?:over|switch\w*|went|go|going) to paper\b|\bplanerat underhall\w*|\bunderhall(?:et|sarbete\w*)?\b|(?<!\blist )\bmaintenance\b|\b(?!natverk)\w*avbrott(?:et|en)?\b|\boutages?\b`),

  // Alerts and signatures.
  topic('alert', 'alert', String.raw`(?<!\bsos )\b\w*larm(?:et|en|s|ar|arna)?\b|\blarma(?:r|de|t)?\b|(?<!\bpre-)\balerts?\b|\balerting\b|\bvarning(?:en|ar|arna)?\b|\bwarnings?\b|\bvarnings(?:symbol|triangel|signal)\w*|\bdiscern\w*|\bbest practice advisor\w*|\bbpa\b`),
  topic('notification', 'notification/reminder', String.raw`\bnotis(?:en|er|erna)?\b|\bnotifi\w*|\bpaminn\w*|\breminder\w*|\bremind(?:s|ed)?\b|\bavisering\w*|\bbevakning\w*|\bbevaka(?:r|s|de|t)?\b`),
  topic('interaction', 'drug interaction', String.raw`\binteraktion\w*|\binteractions?\b|\bkontraindik\w*|\bcontraindicat\w*|\bdrug-drug\b|\bjanusmed\w*`),
  topic('cosign', 'co-sign/witness', String.raw`\bcosign\w*|\bco-(?=sign)|\b\w*kontrasign\w*|\bcountersign\w*|\bcounter-(?=sign)|\bmedsign\w*|\battest(?:era|erar|erade|erat|ering\w*)\b|\bwitness\w*|\bvittne\w*|\bbevittn\w*`),
  topic('correction', 'correction', String.raw`\bmakuler\w*|\bunchart\w*|\bmodif(?:y|ied|ies|ying|iera\w*|ier\w*)\b|\bratta(?:r|de|t|s)?\b|\brattelse\w*|\bkorriger\w*|\bcorrect(?:ed|ion|ions|ing)\b|\bamend\w*`),
  topic('merge-record', 'record merge', String.raw`\bsammanslag\w*|\bsla(?:s|r)? ihop\b|\bslogs ihop\b|\bslagits ihop\b|\bsammanfog\w*|\bmerg(?:e|es|ed|ing)\b(?! ?fields?\b)|\bunmerge\w*`),
  topic('worklist', 'worklist', String.raw`\bwork ?lists?\b|\barbetslist\w*|\bwork ?queues?\b|\barbetsko(?:n|er)?\b|\bto-?do\b|\bogjorda\b`),

  // Who the patient is, and when.
  topic('patient-id', 'patient identifier', String.raw`(?<!\b(?:fel|annans|wrong) )\b(?:personnummer\w*|personnr|pers ?nr|pnr|reservnummer\w*|reservnr|samordningsnummer\w*|patient-?id\w*|patient id\w*|mrn|identitetsnummer\w*|id-?nummer\w*)\b|\bmedical record numbers?\b|\bnhs numbers?\b|\bssn\b|\bidentifier\w*|\bidentifierare\b`),
  topic('encounter-number', 'visit number', String.raw`\bfin(?:-| )?(?:nr|nummer|numret|number)\b|\bfin(?= ?(?:\d|#))|\bbesoksnummer\w*|\bbesoksnr\b|\bvardtillfalle\w*|\bvisit numbers?\b`),
  topic('date', 'date', String.raw`(?<!\bfel )\b\w*datum(?:et|en)?\b|(?<!\b(?:wrong|of|to) )\bdates?\b|\bdatering\w*|\bdated\b|\bfodelsedat\w*|\bdate of birth\b|\bdob\b|\bdate ?formats?\b|\bdd\/mm\w*|\bmm\/dd\w*|\byyyy\w*|\baaaa-mm-dd\b`),
  topic('clock', 'DST, UTC and midnight', String.raw`\bsommartid\w*|\bvintertid\w*|\bnormaltid\w*|\bdaylight sav\w*|\bsummer ?time\b|\bwinter ?time\b|\bdst\b|\bklockbyte\w*|\btidsomstallning\w*|\butc\b|\bgmt\b|\bcet\b|\bcest\b|\bmidnatt\w*|\bmidnight\b|\bdygnsbryt\w*|\bdygnsskifte\w*|\b00[:.]00\b`),
  topic('address', 'address/next of kin', String.raw`(?<!\b(?:ip|e-?mail|e-?post|webb)[- ])\badress(?:en|er|erna)?\b|(?<!\b(?:ip|e-?mail|web)[- ])\baddress(?:es)?\b|\bfolkbokf\w*|\bpostnummer\w*|\bnarstaende\w*|\bnext of kin\b|\bkontaktperson\w*|\bcontact persons?\b`),

  // Units, lab and measurements.
  topic('measure-unit', 'unit of measure', String.raw`\bmatt?enhet\w*|\bunits? of measure\w*|(?<![a-z])(?:mmol|mikromol|umol|µmol|mcg|ug|µg|mikrogram|milligram|gram|mmhg|kpa|iu|g\/l|mg\/ml|mg\/kg|mmol\/l|ml\/kg)(?![a-z])|(?<![a-z])mg(?![a-z]|\/h\b)|(?<![a-z])ml(?![a-z]|\/(?:h|tim))`),
  topic('analyte', 'lab analyte', String.raw`\banalys(?:en|erna)?\b|\banalytes?\b|\blabb?varde\w*|\blab values?\b|\bprovvarde\w*|\bblodprov\w*|\bblood tests?\b|\blabprov\w*|\breferensvarde\w*|\breferensintervall\w*|\breference (?:range|interval)s?\b|\bnormalvarde\w*`),
  topic('critical-value', 'critical value', String.raw`\bpanikvarde\w*|\b(?:kritisk|kritiska|kritiskt|avvikande|patologisk|patologiska|patologiskt)(?= (?:\w+ )?(?:varde|varden|provsvar|labbsvar|labsvar|resultat|prov))|\bcritical(?= (?:value|result|lab))|\babnormal\w*|\bout of range\b`),
  topic('potassium', 'potassium', String.raw`\bkalium\w*|\bpotassium\b|\b[ps]-k\b`),
  topic('sodium', 'sodium', String.raw`\bnatrium\w*|\bsodium\b|\b[ps]-na\b`),
  topic('glucose', 'glucose', String.raw`\b\w*glukos\w*|\bglucose\w*|\bblodsocker\w*|\bblood sugars?\b|\bglu(?:co|ko)meter\w*|\bcbg\b|\bhba1c\b`),
  topic('hemoglobin', 'haemoglobin', String.raw`\bh(?:a)?emoglobin\w*|\bhb\b|\bblodvarde\w*`),
  topic('creatinine', 'creatinine', String.raw`\bkreatinin\w*|\bcreatinin\w*|\bkrea\b|\be?gfr\b|\bnjurfunktion\w*|\b(?:kidney|renal) function\b`),
  topic('crp', 'CRP', String.raw`\bcrp\b|\bc-?reakti\w*|\bc-?reactive\b`),
  topic('inr', 'INR/anticoagulation', String.raw`\binr\b|\bpk\b|\bprotrombin\w*|\bwaran\w*|\bwarfarin\w*|\bantikoagul\w*|\banticoagul\w*`),
  topic('blood-group', 'blood group', String.raw`\bblodgrupp\w*|\bbas-?test\w*|\bblood ?group\w*|\bblood ?types?\b|\b(?:type|group) and screen\b|\bcross-?match\w*|\bkorstest\w*|\bforlikelighetsprov\w*|\bantikroppsscreening\w*`),
  topic('microbiology', 'microbiology', String.raw`\b\w*odling(?:en|ar|arna)?\b|\bcultures?\b|\bmikrobiolog\w*|\bmicrobiolog\w*|\bbakteriolog\w*|\bresistensbest\w*|\bpcr\b|\bmrsa\b|\besbl\b`),
  topic('specimen', 'specimen', String.raw`\bprovror(?:en|et)?\b|\bprovkarl\w*|\bprovmaterial\w*|\bprovnummer\w*|\bror(?:en|et)\b|\btubes?\b(?! labels?\b)|\bvacutainer\w*|\bspecimens?\b(?! (?:collect\w*|labels?)\b)|\bsamples?\b(?! labels?\b)`),
  topic('radiology', 'radiology', String.raw`\brontgen(?:en|avdelning\w*|klinik\w*|undersokning\w*|utlatande\w*)?\b|\bradiolog\w*\b(?! images?\b)|\bct\b|\bmri\b|\bmagnetkamera\w*|\bultraljud\w*|\bultrasound\w*|\bx-?rays?\b|\bgenomlysning\w*|\bmammograf\w*|\bsectra\w*|\butlatande\w*`),
  topic('blood-pressure', 'blood pressure', String.raw`\bblodtryck\w*|\bbt\b|\bblood ?pressure\w*|\bbp\b|\bsystolisk\w*|\bdiastolisk\w*|\bsystolic\b|\bdiastolic\b`),
  topic('pulse', 'pulse', String.raw`\bpuls(?:en|ar)?\b|\bpulse\w*|\bheart ?rate\w*|\bhjartfrekvens\w*|\bhr\b`),
  topic('temperature', 'temperature', String.raw`\btemp(?:en)?\b|\btemperatur\w*|\bfeber\w*|\bfebril\w*|\bfever\w*`),
  topic('oxygen', 'oxygen saturation', String.raw`\bsatur\w*|\bspo2\b|\bsp-?o2\b|\bsyremattnad\w*|\bsyrgas\w*|\boxygen\w*|\bo2\b|\bpulsox\w*|\bandningsfrekvens\w*|\brespiratory rate\w*|\bresp rate\b`),
  topic('news-score', 'NEWS score', String.raw`\bnews ?2\b|\bnews(?=[ -]?(?:poang|score|varde|summa|skattning|total))|\b(?:mews|pews|ews)\b|\bearly warning\w*`),
  topic('weight', 'weight/height', String.raw`(?<!\bfel )\bvikt(?:en|er)?\b|\bkroppsvikt\w*|(?<!\bwrong )\bweights?\b|\bweigh(?:ed|ing)?\b|\bkg\b|\bbmi\b|\bkroppsyta\w*|\bbsa\b|\blangd(?= (?:och|\/) vikt)|(?<=\bvikt (?:och|\/) )langd\b|(?<!\bwrong )\bheight\b`),
  topic('pain', 'pain', String.raw`\bsmart(?:a|an|or|orna)\b|\bsmart(?:skatt|lindr|bedom|niva|stillande)\w*|\bpain(?:s|ful)?\b|\bvas\b|\bnrs\b|\banalges\w*`),

  // Care settings and work.
  topic('bed', 'bed/placement', String.raw`\bvardplats\w*|\bsangplats\w*|\bplatsbrist\w*|\bplatskoordinat\w*|\b(?:over)?belaggning\w*|\bbed(?= ?(?:board|management|assign|status|allocat|request|book|list|manag|plac))|\butlokaliser\w*|\boutliers?\b|\bboarding\b|\bboarders?\b`),
  topic('ambulance', 'ambulance/prehospital', String.raw`\bambulans\w*|\bambulance\w*|\bprehospital\w*|\bpre-hospital\w*|\bforvarning\w*|\bpre-?arrival\w*|\bpre-?alert\w*|\bhelikopter\w*|\bhelicopter\w*|\blarmcentral\w*|\bsos alarm\w*|\bparamedic\w*|\bsjuktransport\w*|\bpatient ?transport\w*`),
  topic('icu', 'intensive care', String.raw`\biva\b|\bintensivvard\w*|\bintensiven\b|\bicu\b|\bitu\b|\bintensive care\b|\bcritical care\b|\buppvakning\w*|\bpacu\b|\brecovery room\b`),
  topic('surgery', 'surgery', String.raw`(?<!\binga )\boperation(?:en|er|erna)?\b|\bopererad\w*|\boperera(?:r|s|t|de)?\b|\bsurgery\b|\bsurgeries\b|\bsurgical\w*|\bsurgeon\w*|\bkirurg\w*|\bnarkos\w*|\banestesi\w*|\ban(?:a)?esthe\w*|\bpostop\w*|\bpreop\w*|\bintraop\w*|\bop-?sal\w*|\boperating (?:room|theatre|theater)s?\b`),
  topic('obstetrics', 'obstetrics', String.raw`\bforlossning\w*|\bobstetri\w*|\bgravid\w*|\bpregnan\w*|\bpartogram\w*|\bintrapartum\b|\blabou?r (?:and|&) delivery\b|\bbarnmorsk\w*|\bmidwi\w*|\bmodravard\w*|\bmvc\b|\bkvinnoklinik\w*|\bmaternity\b|\bantenatal\w*|\bpostpartum\b|\bforlost\w*`),
  topic('newborn', 'newborn', String.raw`\bnyfodd\w*|\bnewborn\w*|\bneonat\w*|\bbaby\w*|\bbabies\b|\bbebis\w*|\bspadbarn\w*|\binfants?\b|\bmor-?barn\w*|\bmother-?baby\b|\bbarnet\b|\bapgar\w*`),
  topic('dialysis', 'dialysis', String.raw`\b\w*dialys\w*|\bdialy[sz]\w*|\bhemofiltr\w*|\bcrrt\b|\bcvvh\w*|\bnjurmedicin\w*|\bnephrolog\w*|\bnefrolog\w*`),
  topic('diagnosis', 'diagnosis', String.raw`\bdiagnos\w*|\bicd\w*|\bkva\b|\batgardskod\w*|\bkontaktorsak\w*|\bsokorsak\w*|\breason for visit\b|\bchief complaint\w*|\bdx\b`),
  topic('care-plan', 'care plan', String.raw`\bvardplan\w*|\bomvardnadsplan\w*|\bcare ?plans?\b|\bbehandlingsplan\w*|\btreatment plans?\b|\bnursing (?:care )?plans?\b|\binterventions?\b|\bvardatgard\w*|\bomvardnadsatgard\w*`),
  topic('assessment', 'assessment', String.raw`\b(?!smart)\w*bedomning(?:en|ar|arna)?\b|\bassessments?\b|\b(?!smart)\w*skattning(?:en|ar|arna)?\b|\bscreening\w*`),
  topic('consent', 'consent/blocking', String.raw`\bsamtycke\w*|\bconsent\w*|\bsparr(?:en|ar|arna)?\b|\bnodatkomst\w*|\bbreak[- ]the[- ]glass\b|\bbreak-?glass\b|\bsammanhallen journalforing\b|\bsjf\b|\bvardgivarsparr\w*|\bintegritetsskydd\w*`),

  // Medication words beyond dose.
  topic('insulin', 'insulin', String.raw`\binsulin(?!pump)\w*|\blantus\b|\bnovorapid\b|\bhumalog\b|\blevemir\b|\btresiba\b|\bactrapid\b|\binsulatard\b|\bfiasp\b|\btoujeo\b|\babasaglar\b|\bglargin\w*`),
  topic('infusion', 'infusion', String.raw`\binfusion(?!\w*(?:pump|hastighet))\w*|\bdropp(?:et|en|ar|arna|pase\w*|stall\w*)?\b|\bdrips?\b|\bspruta\w*|\bsprutor\w*|\bsyringes?\b|\bbolus\w*|\bivpb\b|\bpiggyback\w*|\bvatska\b|\bvatskor(?:na)?\b|\bfluids?\b|\bnacl\b`),
  topic('rate', 'infusion rate', String.raw`\b(?!natverk|internet|uppkoppling|las|skriv)\w*hastighet(?:en|er)?\b|\bdroppfart\w*|(?<!\b(?:heart|respiratory|resp|pulse) )\brates?\b|\bml\/h\b|\bml\/tim\w*|\bml per (?:timme|tim|hour|h)\b|\btitrer\w*|\btitrat\w*`),
  topic('route', 'route', String.raw`\badministrationssatt\w*|\broutes? of administration\b|\bintraven\w*|\bi\.v\.|\biv\b|\bperoral\w*|\bp\.o\.|\bper os\b|\bsubkutan\w*|\bsubcutan\w*|\bintramuskul\w*|\bintramuscul\w*|\brektal\w*|\brectal\w*|\binhalation\w*|\bsond(?:en|matning\w*)?\b|\bnasogastric\b|\bpeg\b`),
  topic('controlled-drug', 'controlled drug', String.raw`\bnarkotika\w*|\bcontrolled (?:drugs?|substances?)\b|\bnarcotic\w*|\bopioid\w*|\bopiat\w*|\bmorfin\w*|\bmorphine\b|\boxykodon\w*|\boxycodone\b|\bfentanyl\w*|\bketobemidon\w*`),
  topic('home-meds', 'home medications', String.raw`\bhemlakemedel\w*|\begna(?= lakemedel)|\bhome(?= ?med(?:ication)?s?\b)`),
];

// ---- DEV EXTENSIONS START ----
const EXT: Record<string, string> = {
  'topic:time': String.raw`\btidsstampl\w*|\btidsstampel\w*|\btime ?stamps?\b`,
  'topic:patient-id': String.raw`\bokand (?:patient|identitet)\w*|\bunknown patient\w*|\bunidentified (?:patient|person)\w*|\bjohn doe\b|\bjane doe\b|\bnn-?patient\w*|\bokand man\b|\bokand kvinna\b`,
  'topic:page': String.raw`\bforhandsgransk\w*|\bprint preview\b|\bpreview\b`,
  'topic:correction': String.raw`\bradera(?:r|de|t)?\b|\bta bort\b|\btar bort\b|\btog bort\b|\bdelete\b|\bdeleting\b|\bremov(?:e|ing)\b`,
  'topic:address': String.raw`\bdemograf\w*`,
  'topic:calendar': String.raw`\bschema(?:t|n|na)?\b|\bresurs(?:er|erna|en)?\b|\bresources?\b|\bresursschema\w*`,
  'topic:notification': String.raw`\bsms\w*|\btextmeddelande\w*|\btext messages?\b`,
  'topic:cosign': String.raw`\bdubbelkontroll\w*|\bdouble[- ]?check\w*|\bdubbelsign\w*|\bdual sign\w*|\bdubbelsignatur\w*`,
  // modules
  'module:powerchart': String.raw`\bpower[- ]chart\w*|\bpow(?:er|re|r)ch?art\w*|\bpowerchat\w*|\bpowerhart\w*|\bpower ?chart ?touch\b`,
  'module:firstnet': String.raw`\bfirst-net\w*|\bfirstnett\w*|\bfirs(?:t)?net\w*|\bakut-tavl\w*|\bakuttavl\w*|\bed[- ]?tavl\w*|\bakutoversikt\w*|\bakutliggare\w*`,
  'module:surginet': String.raw`\bsurgi-net\w*|\bsurginett\w*|\bperiop\w*|\bop-?(?:planering|schema|lista|listan|planen)\w*|\boperationsprogram\w*|\boperationsschema\w*|\boperationsplanering\w*|\boperationslist\w*|\bcase tracking\b|\bsurgical cases?\b|\bintra-?op(?:erativ\w*)? (?:record|dokumentation|journal|documentation)\w*|\bop-?journal\w*|\bop-?dokumentation\w*|\banestesijournal\w*|\bnarkosjournal\w*|\bana?esthesia record\w*|\bsa ?ana?esthesia\b|\bana?esthesia ?view\b`,
  'module:pharmnet': String.raw`\bpharm-net\w*|\bfarm ?net\w*|\bpharmnett\w*|\bdispens(?:ing|ed|ering\w*)\b|\bpharmacist verif\w*|\bfarmaceutisk granskning\w*|\bapoteksverifier\w*`,
  'module:emar': String.raw`\blakemedelsjournal\w*|\blakemedelskurva\w*|\bmedicinlist\w*|\bbarcode med\w*|\blakemedelsskann\w*|\bcare ?admin\w*|\bmed(?:ication)? admin(?:istration)? wizard\b|\badministration wizard\b|\blakemedelsoversikt\w*|\blakemedelsvy\w*`,
  'module:orders': String.raw`\bpower-(?:orders?|plan\w*)|\bordinationsmall\w*|\bordinationsvy\w*|\bordinationsoversikt\w*|\border ?profile\w*|\border ?entry\b|\bcpoe\b|\border ?sets?\b|\border ?catalog\w*|\bproposed orders?\b|\bforeslag\w* ordination\w*|\bordinationsfonster\w*|\bbestallningsvy\w*`,
  'module:message-center': String.raw`\bgruppinkorg\w*|\bfunktionsbrevlad\w*|\bfranvaromeddelande\w*|\bfullmakt\w*|\bmeddelandecenter\w*|\bmsg ?cent\w*|\bmessage-cent\w*|\bmessaging\b`,
  'module:iview': String.raw`\bi view\b|\biveiw\w*|\bvitala (?:parametrar|tecken)\b|\bvitalvarden\w*|\bvatskeregistrering\w*|\bintag och utsondring\b|\bintake (?:and|&) output\b|\bvitalparamet\w*|\bvitalparametr\w*|\bobservationsvy\w*`,
  'module:mpage': String.raw`\bnurs(?:e|ing) (?:view|workflow)\w*|\bphysician (?:view|workflow)\w*|\bdoctor'?s? view\b`,
  'module:carecompass': String.raw`\bcare-compass\w*|\bno relationship\b|\brelationships?\b|\bpatientrelation\w*|\bvardrelationer\b`,
  'module:careaware': String.raw`\bcare-aware\w*|\bdevice (?:association|assoc\w*|integration\w*)\b|\bbedside (?:device|integration)\w*|\bbmdi\b|\bvitals ?link\w*|\bcapsule\b|\bmedicinteknisk\w* (?:koppling|uppkoppling)\w*|\bmtu-?koppling\w*`,
  'module:results': String.raw`\bresultatvy\w*|\bresultatgransk\w*|\bresultatoversikt\w*|\bsvarsvy\w*|\bsvarsoversikt\w*|\blabb?-?resultat\w*|\blabb?-svar\w*|\bprovresultat\w*|\bprov-?svar\w*|\bresults? (?:view|tab)\b|\bresult(?:at)?-?fl[oa]wsheet\w*|\blabbsvars?\w*|\bprovsvars?\w*`,
  'module:scheduling': String.raw`\btidsbok\w*|\bbokningsvy\w*|\bbokningssystem\w*|\bbokningsbild\w*|\bappt ?book\w*|\bappointment-?book\w*|\bvant-?list\w*|\bbesokstyp\w*|\bappointment types?\b|\bschedul(?:e|er|ers)\b`,
  'module:organizer': String.raw`\bmottagningsvy\w*|\bmottagningsoversikt\w*|\bopen items\b|\bogjorda uppgifter\b|\borgani[sz]or\w*`,
  'module:documentation': String.raw`\b\w*antekning\w*|\b\w*antecking\w*|\banteckn\b|\bjournaltext\w*|\bdaganteckn\w*|\bpowernote\w*|\bdynamisk dokumentation\b|\bclinical notes?\b|\bprogress notes?\b`,
  'module:patient-search': String.raw`\bsok(?:a|er|te|t)? (?:efter |upp |fram )?(?:en |pa |pa en )?patient(?:en|er)?\b|\bsearch(?:ing)? for (?:a |the )?patients?\b|\bfind (?:a |the )?patients?\b|\bperson ?search\b|\bpersonnummersok\w*|\bpatientsokn\w*|\bpatient lookup\b`,
  'module:patient-list': String.raw`\bpatient-list\w*|\bmina patienter\b|\bmy patients\b|\bmy (?:patient )?lists?\b`,
  'module:discharge': String.raw`\bhemgang\w*|\butskrivningsklar\w*|\bskriv\w* hem\b|\bslutanteckning\w*|\blakemedelsberattelse\w*|\bdischarge (?:summary|letter|medication)\w*`,
  'module:registration': String.raw`\b(?:ankomst|patient|besoks|akut|ny)registr\w*|\badt\b|\bpm ?conversation\w*|\bpm ?office\b|\bincheckning\w*|\bcheck(?:a|ar|ade)?[- ]?in\b|\binskriv(?:en|na|it)\b|\bregistrering\w*`,
  'module:referral': String.raw`\brefer+al+\w*|\brefferal\w*|\breferal\w*|\bvard ?begaran\w*|\bremis(?:en|er|erna)?\b`,
  'module:medrec': String.raw`\bmed(?:ication)? ?reconcil\w*|\breconcil\w*|\bmedrec\w*`,
  'module:eprescribing': String.raw`\bforskriv\w*|\be-?halsomyndighet\w*|\bdos-?dispens\w*|\berecept\w*|\be-recept\w*|\bapodos\w*`,
  'module:pacs': String.raw`\bbildvisning\w*|\bbildarkiv\w*|\bpacs-\w*`,
  'module:blood-bank': String.raw`\bblodpas(?:e|ar)\w*|\berytrocytkoncentrat\w*|\bblood units?\b|\bblodenhet\w*|\bblodbank\w*|\bblodbest\w*`,
  'module:npo': String.raw`\bnationell\w* patientoversikt\w*`,
  'module:patient-portal': String.raw`\bmina vardkontakter\b|\bvardguiden\w*|\bpatientportal\w*|\bhealthe ?life\b`,
  'module:citrix': String.raw`\bcitri?x\w*|\bcitirx\w*|\bcitix\w*|\bctx\b|\bcitrix ?receiver\b|\bvdi\b|\bvirtuell\w* (?:miljo|skrivbord|desktop|klient)\w*|\bvirtual (?:desktop|client|app)\w*|\bfjarrskrivbord\w*|\bremote desktop\b`,
  'module:sso': String.raw`\btap[- ]?(?:and|&|n)[- ]?go\b|\bone-?sign\b|\bsnabbinlogg\w*|\bblippinlogg\w*|\btap inlogg\w*`,
  'module:724access': String.raw`\blaskopi\w*|\bdowntime-?(?:dator|pc|datorn)\w*|\bdowntime ?viewer\w*`,
  'module:allergies': String.raw`\b\w+allergi\w*|\boverkanslig\w*`,
  'module:banner-bar': String.raw`\bbanner(?:n|en)?\b|\bpatienthuvud\w*|\bdemographics? bar\b|\bheader bar\b`,
  'module:specimen-collection': String.raw`\b\w+provtag\w*|\bcollect(?:ing|ion)? (?:of )?(?:specimens?|samples?|blood)\b|\bdraw(?:ing)? blood\b|\bblood draws?\b|\bspecimen collection\w*`,
  // devices
  'device:printer': String.raw`\b\w*skirvar\w*|\b\w*skrviar\w*|\b\w*printr\w*|\btoner\w*|\bfargband\w*|\bskrivhuvud\w*|\bprint ?head\w*|\bprinthuvud\w*`,
  'device:scanner': String.raw`\b\w*s[ck]aner\w*|\bstreckkodslas\w*|\bbarcode (?:scanner|gun)\w*|\bscan(?:ner)? ?gun\w*|\bskannerpistol\w*|\bscanpistol\w*|\bhoneywell\w*|\blaspistol\w*`,
  'device:siths': String.raw`\b\w*tjanstekort\w*|\bnet ?id\b|\bnetid\w*|\bsiths-?\w*|\bsits-?kort\w*`,
  'device:card-reader': String.raw`\brfid-?lasar\w*|\brfid ?readers?\b|\bprox(?:imity)? (?:card )?readers?\b|\bblipplasar\w*|\bkortterminal\w*|\bcard-reader\w*|\bkort-?lasar\w*`,
  'device:computer': String.raw`\blaptop\w*|\bbarbar(?:a|en)? dator\w*|\b(?:vagn|bords|sal|expeditions|stationar|klient)dator\w*|\bcows?\b|\bwows?\b|\bcomputer (?:cart|on wheels)\b|\bworkstation on wheels\b`,
  'device:pump': String.raw`\balaris\w*|\bperfusor\w*|\binfusomat\w*|\bvolumat\w*|\bspace ?plus\b|\bsigma spectrum\b`,
  'device:monitor': String.raw`\btelemetri\w*|\btelemetry\b|\bintellivue\w*|\bcarescape\w*|\bmonitorering\w*|\bvitals? (?:machine|monitor)\w*|\bdinamap\w*|\bwelch ?allyn\w*|\bconnex\b|\bblodtrycksapparat\w*|\bbt-?apparat\w*|\bbp machine\w*|\bspot ?monitor\w*`,
  'device:fetal-monitor': String.raw`\bfeta ?link\w*|\bcardiotoco\w*|\bfosterovervak\w*|\bfosterljud\w*|\bfetal heart\w*|\bfhr\b|\bmilou\b|\bfoster ?monitor\w*`,
  'device:network': String.raw`\binternet(?! ?explorer)\w*|\btradlos\w* (?:natverk|uppkoppling|anslutning)\w*|\bwireless (?:network|connection)\w*|\bvpn\b|\bnatverksuttag\w*|\bwi fi\b`,
  'device:lab-instrument': String.raw`\bpatientnara\w*|\bpoint[- ]of[- ]care\b|\bpoct?\b|\bi-?stat\b|\bhemocue\w*|\blabbinstrument\w*|\blabinstrument\w*`,
  // objects
  'object:wristband': String.raw`\b\w*(?:patient|namn|fot|arm)band(?:et|en|s|en)?\b|\barmbanden\b|\barmband\w*`,
  'object:label': String.raw`\b\w*etiket\w*|\blables?\b|\bklisterlapp\w*|\bdekal\w*`,
  'object:specimen-label': String.raw`\blabb?etikett\w*|\blab labels?\b`,
  'object:autotext': String.raw`\bauto-text\w*|\bsnabbtext\w*|\bstandardtext\w*|\bdot ?phrases?\b|\bquick ?text\w*|\btextmakro\w*|\bauto ?texter\b`,
  'object:favorites': String.raw`\bfavvo\w*|\bfavs\b`,
  'object:protected-identity': String.raw`\bskydda(?:d|de|t) (?:person|id|adress|identitet)\w*|\bkvarskriv\w*|\bfingerade personuppgifter\b|\brestricted (?:patient|record)s?\b|\bconfidential (?:patient|record)s?\b|\bsekretessmarkerad\w*`,
  // functions
  'function:print': String.raw`\bskrev ut\b|\bskrevs ut\b|\bprintade?s?\b|\bprintats\b|\bprintout\w*|\b\w+utskrift\w*|\bprint(?:ed|ing)? (?:out|ut)\b`,
  'function:save': String.raw`\bspar(?:ades|ats)\b|\blagr(?:a|as|ar|ade|ades|at|ing)\b|\bauto-?sav\w*`,
  'function:sign': String.raw`\bsigna(?:r|de|t|s|des)?\b|\bsignerad\w*`,
  'function:order': String.raw`\bprescrib\w*`,
  'function:log-in': String.raw`\b\w*inlogg\w*|\blogg\w* pa\b|\bloga in\b|\blogar in\b|\blog-?in\w*|\bmfa\b|\btvafaktor\w*|\btwo-?factor\b`,
  'function:scan': String.raw`\bscanning\w*|\bskanning\w*|\bskanna\w*|\bscanna\w*|\bscann(?:er|ed)\b`,
  'function:search': String.raw`\bleta(?:r|de|t)?\b|\blook(?:ing|ed)? up\b|\blookup\b`,
  'function:administer': String.raw`\bdela\w* (?:ut )?(?:lakemedel|medicin)\w*|\bge (?:lakemedel|medicin|dos|dosen)\w*|\bgav (?:lakemedel|medicin|dos|dosen)\w*|\bgiv(?:e|en|ing) (?:the )?(?:meds?|medications?|dose)\b|\bmed pass\b|\blakemedelsutdelning\w*|\bmedicinutdelning\w*`,
  'function:document': String.raw`\bjournalfor\w*|\bdokumentation\w*|\bdocumentation\b|\bmata\w* in\b|\benter(?:ed|ing)? (?:the )?(?:values?|data|vitals)\b|\bregistrera (?:varde|varden|vitalparametrar|matvarden|blodtryck|puls|temp)\w*`,
  'function:load': String.raw`\bladdades\b|\bladdats\b|\bladdat\b|\bladdtid\w*|\bladdningstid\w*`,
  'function:refresh': String.raw`\bladda\w* om\b|\breload\w*|\bf5\b|\bomladd\w*|\buppdatering\w*`,
  'function:book': String.raw`\b\w+bokning\w*|\bombok\w*|\bavbok\w*|\breschedul\w*|\bbokad(?:e)?\b`,
  'function:associate': String.raw`\bassocier\w*|\bparkoppl\w*|\bihopkoppl\w*|\bkoppla\w* (?:pa|mot)\b|\blanka(?:r|de|t|s)?\b|\bbinda\w*|\blink(?:ed|ing)? (?:the )?(?:device|pump|monitor)\w*`,
  'function:verify': String.raw`\bvalider\w*|\bvalidat\w*`,
  'function:transfer': String.raw`\bforflytt\w*`,
  'function:forward': String.raw`\bskick\w* vidare\b`,
  'function:change': String.raw`\bandr(?:ar|ade|at|as|ades|ing\w*)\b`,
  // symptoms
  'symptom:black': String.raw`\bmork(?:a|t)? (?:skarm|ruta|bild|fonster)\w*|\bdark screen\b|\bblackout\b|\bkolsvart\w*|\bhelsvart\w*`,
  'symptom:blank': String.raw`\b(?:krit|hel|sno)vit(?:a|t)?\b|\bvisar (?:ingenting|inte nagot|tomt)\b|\bshows? (?:blank|empty)\b|\bcomes? out (?:blank|empty)\b|\b(?:inget|ingenting) (?:pa|syns pa) (?:etikett|band|arket|papperet|lappen)\w*|\btomrut\w*`,
  'symptom:missing': String.raw`\b(?:puts|pang) ?vack\b|\bvack\b|\braderas\b|\braderades\b|\b(?:ej|inte) synlig\w*|\bno longer (?:there|shows?|visible|appears?|available)\b|\bnot (?:listed|in the list)\b|\bdok (?:inte|aldrig) upp\b|\bkom (?:inte|aldrig|ej) (?:upp|fram|med)\b|\bvisa(?:s|des) (?:ej|aldrig)\b|\bkan (?:inte|ej) hitta\b|\bfaller bort\b|\bfoll bort\b|\btrillar bort\b|\btrillade bort\b|\btas bort\b|\btogs bort\b|\bsparlost\w*|\bwithout (?:a )?trace\b|\bvanished\b`,
  'symptom:stale': String.raw`\bgamla (?:varden|svar|data|uppgifter|provsvar)\b|\bold (?:values|results|info\w*)\b|\binte aktuell\w*|\binaktuell\w*|\boutdated\b|\bnot current\b|\bnot up to date\b|\bligger efter\b|\blagging behind\b|\bhanger inte med\b|\bnot (?:the )?latest\b`,
  'symptom:freeze': String.raw`\bkor(?:de)? fast\b|\bkort fast\b|\bkor ihop sig\b|\bkorde ihop sig\b|\bunresponsive\b|\blaser sig\b|\blaste sig\b|\bhanger sig\b|\bhangde sig\b|\blockar sig\b|\bdead ?lock\w*|\bfastfrus\w*|\btotal(?:frys|hang)\w*|\bhangig\w*`,
  'symptom:crash': String.raw`\bkrash\w*|\bkrach\w*|\bstang(?:er|de|des|s) (?:ner|av)\b|\bstang(?:s|des)\b|\bdog\b|\bquits?\b|\bunexpectedly (?:quit|clos)\w*|\bclos(?:es|ed) unexpectedly\b|\bbomb(?:s|ed)? out\b|\bblue ?screen\w*|\bbsod\b|\bbla ?skarm\w*`,
  'symptom:no-response': String.raw`\bingen (?:respons|reaktion)\b|\bno response\b|\bklick(?:ar|et)? (?:gor|ger) (?:inget|ingenting)\b|\bnothing (?:happened|at all)\b|\bhande (?:ingenting|inget)\b|\b(?:ingenting|inget) hande\b`,
  'symptom:slow': String.raw`\bladdar (?:och|o) laddar\b|\bloads? and loads?\b|\bloading forever\b|\bskoldpadd\w*|\bturtle\b|\btortoise\b|\bprestanda\w*|\bperformance\b|\bresponstid\w*|\bresponse times?\b|\b(?:jatte|super|mega|skit|as|sjuk|ultra|tok|sirap)seg\w*|\bsnails?\b|\bsnail'?s\b|\bgrind\w*|\btakes? (?:\w+ )?minutes\b|\bhack(?:ar|ig|igt|iga|ade)\b|\bvanta\w* (?:och|o) vanta\w*|\bwait(?:ing)? and wait\w*|\bwaiting forever\b|\bhinner (?:\w+ ){0,4}(?:kaffe|fika)\b|\b(?:make|get|grab) (?:a )?(?:coffee|cuppa|cup of tea)\b|\btar (?:flera|manga|ett par) minuter\b|\bflera minuter\b|\bseveral minutes\b|\bminuter (?:att|for att|innan)\b|\bsnigelfart\w*|\bkeeps? loading\b|\bstill loading\b|\bladdar (?:fortfarande|bara)\b|\bstar och laddar\b|\btar tid\b|\btog tid\b|\blang vantan\b`,
  'symptom:delayed': String.raw`\befter (?:flera |ett par |nagra )?timmar\b|\bafter (?:several |a few |many )?hours\b|\bhours later\b|\btimmar senare\b|\bdagen efter\b|\bthe next day\b|\bstill waiting\b|\bvantar fortfarande\b|\bfortfarande inte kommit\b`,
  'symptom:wrong-patient': String.raw`\bfel journal\w*|\bwrong (?:chart|record)s?\b|\bannan patients? (?:journal|uppgifter|namn|data)\b|\bhoppar (?:till|over till) (?:en )?annan patient\b|\bswitch(?:es|ed)? (?:to )?(?:another|a different) patient\b|\bdifferent patient\w*|\bforra pat\b|\bfel pats?\b|\bannan pat\b`,
  'symptom:wrong-destination': String.raw`\bannan skrivare\w*|\bandra skrivare\w*|\bfel stalle\b|\bwrong place\b|\bsomeone else'?s printer\b`,
  'symptom:offline': String.raw`\bur drift\b|\b(?:inte|ej) nabar\w*|\bonabar\w*|\bingen anslutning\b|\bno connection\b|\bconnection (?:refused|failed)\b|\bnot reachable\b|\bcouldn'?t connect\b|\bfailed to connect\b|\bkan (?:inte|ej) ansluta\b|\bgar (?:inte|ej) att ansluta\b`,
  'symptom:disconnect': String.raw`\bslapp(?:er|te) (?:anslutning|kontakt|uppkoppling|natet|wifi)\w*|\bkeeps? dropping\b|\bdrops? (?:all the time|constantly|repeatedly)\b|\bkastas ut\b|\bkastades ut\b|\bthrown out\b|\bbooted out\b|\b(?:hoppar|hoppade|ramlar|ramlade|trillar|trillade|faller|foll) ur\b`,
  'symptom:loop': String.raw`\bom och om igen\b|\bover and over\b|\bgang pa gang\b|\btime after time\b|\bevig loop\b|\bendless\w*|\boandlig\w*|\binfinite\b|\bkeeps? (?:prompting|asking|coming back|returning|redirecting)\b|\bstudsar tillbaka\b|\bbounces? back\b`,
  'symptom:duplicate': String.raw`\bdublett\w*|\bdubblet\w*|\b(?:skriv|print)\w* (?:ut )?(?:tva|tre|flera|two|three|multiple) (?:ganger|times|gange)\b|\b(?:tva|tre|flera) (?:stycken|exemplar|likadana)\b|\bextra (?:kopior|copies|etiketter|labels|band)\b|\bidentical\b|\blikadana\b|\bkrock(?:ar|ade|ar|en)?\b|\bdouble-?book\w*|\bdubbelbok\w*`,
  'symptom:truncated': String.raw`\bavhugg\w*|\bonly half\b|\bbara halva\b|\bcut short\b|\bchopped\b|\bslutar mitt i\b|\bmitt i (?:en )?(?:mening|ordet|texten)\b|\bcut (?:in half|mid)\w*|\bcut off at\b|\bmax(?:imalt|imum)? \d+ (?:rader|poster|rows|entries|patienter|patients|tecken|characters)\b|\bonly (?:shows? )?(?:the )?first \d+\b|\bbara (?:de )?forsta \d+\b|\bvisar (?:bara|endast|max) (?:de forsta )?\d+\b|\bshows? (?:only|max) (?:the first )?\d+\b|\btak(?:et)? (?:pa|vid) \d+\b|\blimit(?:ed)? (?:to|of|at) \d+\b|\bgrans(?:en)? (?:pa|vid) \d+\b`,
  'symptom:misaligned': String.raw`\bsnett?\b|\bsne\b|\bfel placer\w*|\bfelplacer\w*|\bout of alignment\b|\bskewed\b|\bnot cent(?:er|re)d\b|\butanfor (?:ramen|pappret|marginal\w*)\b`,
  'symptom:garbled': String.raw`\bhieroglyf\w*|\bhieroglyph\w*|\bkrumelur\w*|\bteckensoppa\b|\bkonstig(?:a)? (?:symboler|bokstaver)\b|\bmojibake\b|\bscrambled\b|\bjumbled\b|\brappakalja\b|\bodd (?:characters|symbols)\b|\bboxes instead\b|\bsquares instead\b|\bkvadrater\b|\bsvammel\b`,
  'symptom:no-access': String.raw`\bbehorig\w*|\bobehorig\w*|\brattighet\w*|\bforbidden\b|\bblocked\b|\bblockerad\w*|\binsufficient (?:rights|privileges|permissions)\b`,
  'symptom:rejected': String.raw`\bfel (?:pin|pinkod|losenord|losen)\w*|\bexpired\b|\butgang(?:en|et|na)\b|\bhar gatt ut\b|\bnot valid\b|\binte giltig\w*`,
  'symptom:wrong-data': String.raw`\binkorrekt\w*|\bomkastad\w*|\bswapped\b|\boff by\b|\bwrong (?:order|sequence|results?|status|type|drug|medication|template|text|allergy|diagnosis|address|encounter|visit)\w*`,
  'symptom:faint': String.raw`\bsvag(?:t|a)? (?:utskrift|tryck|text)\b|\bljus(?:a|t)? (?:utskrift|text|tryck)\b|\blight print\w*|\bpale\b|\bhardly visible\b|\bknappt (?:synlig|lasbar)\w*|\bsyns knappt\b|\butsudd\w*|\butsmetad\w*|\bsmetar\b|\bkladd\w*|\bprickig\w*|\bspotty\b|\bpatchy\b`,
  'symptom:unreadable': String.raw`\bnot scanning\b|\b(?:won|doesn|didn)'?t scan\b|\bdoes not scan\b|\b(?:skannar|scannar|skannas|scannas) (?:inte|ej)\b|\bgar (?:inte|ej) att (?:skanna|scanna|lasa)\b|\bunable to (?:scan|read)\b|\bfails? to (?:scan|read)\b|\bokand streckkod\b|\bunknown barcode\b|\binvalid barcode\b|\bbarcode not (?:found|recogni[sz]ed|read)\b|\breagerar inte pa (?:streckkod|skann)\w*`,
  'symptom:settings-lost': String.raw`\bglom(?:mer|de|t) (?:bort )?(?:mina |sina |alla |var(?:a)? )?(?:installning|val|filter|kolumn|layout|favorit|preferens)\w*|\b(?:tillbaka|aterg\w*) till (?:standard|default|ursprung\w*)\b|\bback to (?:the )?default\w*`,
  'symptom:disabled': String.raw`\bgra-?marker\w*|\bgramarkerad\w*|\bgr[ae]yed\b|\butgraad\w*|\bnedtonad\w*|\bnot clickable\b|\binte klickbar\w*|\boklickbar\w*|\bread-?only\b|\bskrivskydd\w*`,
  'symptom:flicker': String.raw`\bflim+r\w*|\bfladdr\w*|\bflashing\b|\bjumps? around\b|\bhoppar (?:fram och tillbaka|runt)\b`,
  'symptom:display': String.raw`\b(?:for|sa|jatte|super)stor(?:a|t)?\b|\btoo (?:big|large)\b|\bhuge\b|\bforstor(?!ingsglas)\w*|\bskalning\w*|\bscal(?:ing|ed)\b|\bupplosning\w*|\bresolution\w*|\bdpi\b|\bliten text\b|\bsmall text\b|\btiny\b`,
  'symptom:not-delivered': String.raw`\b(?:ej|inte|aldrig) mottag\w*|\bnot received\b|\bnever received\b|\bhas(?:n'?t| not) (?:been )?received\b|\bnever (?:came|arrived)\b|\bkom (?:aldrig|inte|ej) fram\b|\bforsvinner pa vagen\b|\blost in transit\b|\bgoes nowhere\b|\bgar ingenstans\b|\bhamnar ingenstans\b|\bskickas (?:inte|ej|aldrig)\b|\bingen (?:bekraftelse|kvittens|kvittering|leveranskvittens)\b|\bno (?:confirmation|acknowledge?ment|receipt)\b`,
  'symptom:error': String.raw`\boops\b|\bhoppsan\b|\bunexpected\w*|\bovantat\w*`,
  'symptom:fails': String.raw`\bkrangl\w*|\bbrak(?:ar|ade|at)\b|\btrilsk\w*|\bjavlas\b|\bjavlades\b|\b(?:does|do|did|will) not (?:work|save|open|load|send|print)\b|\bbroke\b|\bglitch\w*|\bhick(?:a|u)p\w*|\bfunkar (?:inte|ej)\b|\bfunkade (?:inte|ej)\b|\bpaja(?:r|de|t|d)?\b`,
  // topics
  'topic:barcode': String.raw`\b\w*strec?kkod\w*|\b\w*streckod\w*|\bdata ?matrix\w*|\bgs1\w*|\b2d-?kod\w*|\b2d (?:code|barcode)s?\b|\bbar-codes?\b`,
  'topic:prn': String.raw`\bvb\b|\bvb-\w*`,
  'topic:migration': String.raw`\bgamla journal\w*|\bmelior\w*|\basynja\w*|\bvisph\b|\bobstetrix\w*|\belvis\b|\borbit\b|\bprevious system\b|\blegacy\b|\bforra systemet\b|\btidigare system\w*|\bflytta\w* over\b|\bforts over\b|\bhistorik\w*|\bhistory\b|\bhistories\b|\bhistorical\b|\banamnes\w*|\b(?:tidigare|gamla) (?:anteckningar|uppgifter|journalanteckningar|provsvar|besok|varden)\b|\bprevious (?:notes|records?|results|visits?|values)\b`,
  'topic:dose': String.raw`\bmedications?\b(?! (?:administration|list|profile|reconciliation|request|wizard))|\bmedicines?\b|\btablett\w*|\bpills?\b`,
  'topic:ed': String.raw`\bakut(?:mottagning|rum|sal|lakare|sjukskoterska|ssk|team|flode|besok|patient|intag|sjukvard)\w*|\ba ?& ?e\b|\bemergency (?:room|department|dept)\b`,
  'topic:pharmacy': String.raw`\bfarmaceut\w*`,
  'topic:result': String.raw`\b\w*resultat(?:et|en)?\b|\blabb(?:et|en|s)?\b|\blaboratori\w*|\blaboratory\b|\bklinisk kemi\b|\bkemlab\w*`,
  'topic:worklist': String.raw`\btask ?list\w*|\bmptl\b|\bmulti-?patient task\w*|\buppgiftslist\w*`,
  'topic:downtime': String.raw`\bmanuell\w* (?:rutin|hantering|nodrutin)\w*|\bmanual (?:process|routine|workaround)\w*|\bbackup routines?\b|\bpapper och penna\b|\bpen and paper\b|\bpaper and pen\b|\bpappersblankett\w*|\bskyddsstopp\w*|\bddos\w*|\boverbelastningsattack\w*|\bcyberattack\w*|\bcyber ?attack\w*`,
  'topic:alert': String.raw`\b(?!for)\w+varning(?:en|ar|arna)?\b`,
  'topic:analyte': String.raw`\bblodstatus\b|\belstatus\b|\belektrolyt\w*|\belectrolyt\w*|\btroponin\w*|\blaktat\w*|\blactate\b|\bleverprov\w*|\blpk\b|\btpk\b|\bcbc\b|\bfbc\b|\bu&e\b`,
  'topic:surgery': String.raw`\bop\b|\bop-?(?:sal|avdelning|anmal|koordinator|ssk)\w*|\boperationsanmal\w*|\btheat(?:re|er)s?\b|\boperations(?:sal|avdelning|anmal|koordinat|sjukskoterska|dag|tid)\w*|\bimplantat\w*|\bimplants?\b`,
  'topic:taskbar': String.raw`\bapp ?bar\w*|\bverktygsrad\w*|\bmenyrad\w*|\bmenu bar\b`,
  'topic:phone': String.raw`\bsurfplatt\w*|\bipad\w*`,
  'topic:diagnosis': String.raw`\bproblemlist\w*|\bproblem list\w*|\bdiagnoslist\w*`,
};
const NEW: Concept[] = [
  module('powerform', 'PowerForm', String.raw`\bpower ?forms?\w*|\bpower-forms?\w*|\bpowerformular\w*`, IN_POWERCHART),
  device('ventilator', 'ventilator', String.raw`\b\w*respirator(?:n|er|erna)?\b|\bventilator\w*|\bservo-?[iu]\b`),
  symptom('offscreen', 'off-screen', String.raw`\butanfor (?:skarm|bildskarm|synfalt|bild)\w*|\boff-?screen\b|\boff the screen\b|\bout(?:side)? of (?:the )?(?:screen|view|display)\b|\bhamna\w* (?:pa|i) (?:den )?(?:andra|fel) (?:skarm\w*|monitor\w*)|\b(?:opens?|appears?|pops? up) on the (?:other|wrong|second) (?:screen|monitor)\b|\boppna\w* (?:pa|i) (?:den )?(?:andra|fel) (?:skarm\w*|monitor\w*)`, { families: ['layout', 'absent'] }),
  topic('override', 'override', String.raw`\boverrid\w*|\bkringga\w*|\basidosatt\w*|\bforbiga\w*|\btvinga igenom\b|\bforce through\b`),
  topic('cabinet', 'medication cabinet/cart', String.raw`\blakemedelsvagn\w*|\bmed(?:ication)? carts?\b|\blakemedelsskap\w*|\blakemedelsautomat\w*|\bpyxis\b|\bomnicell\w*|\bmedicinskap\w*|\bmedication cabinet\w*|\bautomated dispensing\w*`),
  topic('training', 'training environment', String.raw`\bovningsmiljo\w*|\btestmiljo\w*|\btest ?patient\w*|\btraining (?:environment|domain)\w*|\butbildningsmiljo\w*|\bovningspatient\w*`),
  topic('text', 'words in text', String.raw`\bord(?:et|en)?\b|\bwords?\b|\bmening(?:en|ar|arna)?\b|\bsentences?\b|\bnegation\w*|\bnekande\w*|\bfritext\w*|\bfree ?text\b|\blopande text\b|\bbrodtext\w*`),
  topic('triage', 'triage/acuity', String.raw`\btriage\w*|\btriager\w*|\bacuity\b|\brets\b`),
  topic('appointment', 'appointment', String.raw`\bappointments?\b|\bbesok(?:et|en)?\b|\bbesokstid\w*|\bbokad(?:e)? tid\w*|\bmottagningstid\w*`),
  topic('handover', 'handover', String.raw`\boverrapport\w*|\bhandover\w*|\bhand-?off\w*|\bsbar\b|\bskiftbyte\w*|\bshift change\b`),
  symptom('exposed', 'exposed', String.raw`\bsyns (?:for|hos) (?:alla|obehoriga|andra|alla anvandare|hela)\b|\bvisas (?:for|hos) (?:alla|obehoriga|andra)\b|\b(?:visible|shown|showing) to (?:all|everyone|anyone|everybody|other|unauthori[sz]ed)\w*|\bexpos(?:ed|es|ing|ure)\b|\bleak(?:s|ed|ing|age)?\b|\black(?:er|te|a|age|t)\b|\b(?:inte|ej) (?:dold|doljs|dolda|maskerad\w*|skyddad\w*)\b|\bnot (?:hidden|masked|protected)\b|\boskyddad\w*|\bsynlig(?:a|t)? for (?:alla|andra|obehoriga)\b|\bkan se (?:adress\w*|personnummer\w*|skyddad\w*)\b|\bcan see (?:the )?(?:address\w*|protected)\b`),
  symptom('no-alert', 'no warning', String.raw`\bvarna(?:r|de|t)? (?:inte|ej|aldrig)\b|\b(?:didn|doesn|did not|does not|never)'?t? (?:warn|alert|fire|trigger)\w*|\bno (?:warning|alert|allergy alert|popup|pop-up)s?\b|\bingen (?:varning|allergivarning|interaktionsvarning|popup|pop-up|varningsruta)\b|\butan (?:nagon )?(?:varning|allergivarning)\b|\bwithout (?:a |any )?(?:warning|alert)\b|\butlost(?:e|es)? (?:inte|ej|aldrig)\b|\bslar (?:inte|ej|aldrig) (?:ut|till)\b|\bsmall (?:inte|ej|aldrig)\b`, { families: ['absent'] }),
  topic('flag', 'flag', String.raw`\bflagg(?:a|an|or|orna|ning\w*)\b|\b\w+flagg(?:a|an|or|orna)\b|\bflags?\b|\bflagged\b`),
  topic('account', 'account', String.raw`\bkonto(?:t|n|na)?\b|\b\w+konto(?:t|n|na)?\b|\baccounts?\b`),
  topic('value', 'value', String.raw`(?<!\bfel )\bvarde(?:t|n|na)?\b|(?<!\bwrong )\bvalues?\b|\bsiffr(?:a|an|or|orna)\b|\bnumbers?\b(?! (?:of|av)\b)`),
  topic('name', 'name', String.raw`(?<!\b(?:user|fel|wrong) )\bnamn(?:et|en)?\b|(?<!\b(?:user|wrong) )\bnames?\b`),
  topic('click', 'click', String.raw`\b(?:dubbel-?)?klick(?:a|ar|ade|at|et|en|ning\w*)?\b|\b(?:double-?)?click(?:s|ed|ing)?\b`),
  topic('cancel', 'cancel/discontinue', String.raw`\bsatt(?:a|er|e|s)? ut\b|\butsatt\w*|\bdiscontinu\w*|\bcancel\w*|\bavbryt\w*|\bavbrot\b|\bmakuler\w*|\bavbokad\w*`),
  topic('formulary', 'formulary/product', String.raw`\bformulary\b|\b\w*sortiment\w*|\bproduktkatalog\w*|\bprodukt(?:en|er|erna)?\b|\bproducts?\b|\bpreparat(?:et|en)?\b|\bvarunummer\w*|\bnpl-?id\w*|\bgenerik\w*|\bgenerics?\b|\bsubstitut\w*|\butbytbar\w*|\bsynonym\w*`),
  topic('pathology', 'pathology', String.raw`\bpatolog\w*|\bpathology\b|\bpad-?svar\w*|\bcytolog\w*|\bhistopatolog\w*|\bbiops\w*`),
  topic('ecg', 'ECG', String.raw`\bekg\w*|\becg\b|\bmuse\b|\bvilo-?ekg\w*`),
  topic('vaccination', 'vaccination', String.raw`\bvaccin\w*|\bimmuni[sz]ation\w*|\bimmunisering\w*`),
  topic('nutrition', 'nutrition', String.raw`\bnutrition\w*|\bkost(?:en|ordination\w*|registrering\w*)?\b|\bdiet\w*|\bsondmat\w*|\bfasta(?:nde)?\b|\bfasting\b|\bnil by mouth\b|\bnutrient\w*`),
  topic('infection', 'infection control', String.raw`\bisolering\w*|\bisolation\b|\bsmitt\w*|\bvardhygien\w*|\binfection control\b|\bcontact precautions?\b`),
];
const DROP = new Set((process.env.LEX_DROP ?? '').split(',').filter(Boolean));
const ONLY = process.env.LEX_ONLY ? new Set(process.env.LEX_ONLY.split(',')) : undefined;
const useExt = (k: string) => !DROP.has(k) && (!ONLY || ONLY.has(k)) && process.env.LEX_BASE !== '1';
const REPL: Record<string, [string, string]> = {
  'module:discharge': [String.raw`\bdepart\w*|\butskrivning\w*|`, String.raw`\bdepart(?!ment)\w*|\butskrivning\w*(?! av (?:etikett|armband|band|id-band|remiss|recept|dokument|listor|provetikett)\w*)|`],
  'module:registration': [String.raw`|\bencounter\w*`, String.raw`|\bencounters?\b|\bencounter(?=[ -](?:type|number|nr|list))`],
  'module:organizer': [String.raw`|\borgani[sz]er\w*|`, String.raw`|\borgani[sz]er(?:s|n|en)?\b|`],
  'device:lab-instrument': [String.raw`|\banaly[sz]er\w*`, String.raw`|\banalyzer\w*|\banalysers\b`],
  'topic:oxygen': [String.raw`\bsatur\w*|`, String.raw`\bsatur(?!day)\w*|`],
  'topic:window': [String.raw`|\bscreen\w*|`, String.raw`|\bscreen(?!ing)\w*|`],
  'topic:dose': [String.raw`|\bmedicin\w*|`, String.raw`|\bmedicin(?!tekn|sk)\w*|`],
  'symptom:settings-lost': [String.raw`|\breset(?:s|ting)?\b|`, String.raw`|(?<!\b(?:password|pin|losenords?) )\breset(?:s|ting)?\b(?! (?:my |the |your |of |av )?(?:password|pin|losen\w*))|`],
  'symptom:misaligned': [String.raw`|\bmitt pa\b|`, String.raw`|\bmitt pa\b(?! (?:dagen|natten|morgonen|eftermiddagen|passet|ronden|kvallen|dagpasset|nattpasset))|`],
  'symptom:loop': [String.raw`|\btillbaka till\b|\bback to\b|`, String.raw`|\btillbaka till\b(?! (?:papper\w*|gamla|det gamla|normal\w*|jobbet|mig|oss|dig|er|avdelningen|patienten))|\bback to\b(?! (?:paper|pen|the old|old|normal|work|me|us|you|the ward|the patient))|`],
  'topic:time': [String.raw`\btid(?:er|erna|en)?\b|\b\w+tid(?:er|erna)\b|\btimes?\b|`, String.raw`(?<!\b(?:hela|under|med|pa|ett tags?) )\btid(?:er|erna|en)?\b|\b\w+tid(?:er|erna)\b|(?<!\b(?:every|all the|several|many|few|multiple|\d+|two|three|four|five|six|ten|some|at|first|last|each|this|next|same|any|long|second|third|most of the|half the|by the) )\btimes?\b|`],
  'symptom:offline': [String.raw`(?<!shut |slow |slowed |slows |break |broke |goes |went |upside )\bdown\b`, String.raw`(?<!\b(?:shut|slow|slowed|slows|break|broke|goes|went|upside|drop|scroll|scrolling|scrolled|pull|write|narrow|count|sit|calm|top|up and|up or|turn|turned|step|put|jot|mark|cut|tone|toned|bog|bogged|boil|slowing|slowdown)[ -])\bdown\b`],
  'device:monitor': [String.raw`\b\w*monitor(?:n|s|er|erna|ing)?\b`, String.raw`(?<!\b(?:second|dual|extra|external|other|andra|extern|externa|bada|both|tva|two|multiple|flera|tre|three|stor|stora|big|large|laptop) )\b\w*monitor(?:n|s|er|erna|ing)?\b`],
  'symptom:duplicate': [String.raw`\bdubbel(?!-?klick|sidig|skarm)\w*|`, String.raw`\bdubbel(?!-?klick|sidig|skarm|kontroll|sign)\w*|`],
  'function:send': [String.raw`|\bsent\b|`, String.raw`|(?<!\b(?:kommer|kom|komma|kommit|for|alldeles|mycket|timmar|timme|lite|ganska|jatte|sa|alltfor|minuter|dagar|fram|in) )\bsent\b|`],
  'symptom:freeze': [String.raw`|\bhanger\b|`, String.raw`|\bhanger\b(?! inte med\b)|`],
};
function extend(list: Concept[]): Concept[] {
  return list.map((c) => {
    const k = `${c.facet}:${c.id}`;
    const r = REPL[k];
    if (r && useExt(k)) {
      if (!c.pattern.source.includes(r[0])) throw new Error(`REPL ${k}`);
      c = { ...c, pattern: new RegExp(c.pattern.source.replace(r[0], r[1]), 'g') };
    }
    const e = EXT[k];
    return e && useExt(k) ? { ...c, pattern: new RegExp(`${c.pattern.source}|${e}`, 'g') } : c;
  });
}
for (const k of Object.keys(EXT)) new RegExp(EXT[k]!);
// ---- DEV EXTENSIONS END ----

export const CONCEPTS: readonly Concept[] = [...extend([...MODULES, ...DEVICES, ...OBJECTS, ...FUNCTIONS, ...SYMPTOMS, ...TOPICS]), ...NEW.filter((c) => useExt(`${c.facet}:${c.id}`))];

export const conceptById: ReadonlyMap<string, Concept> = new Map(CONCEPTS.map((c) => [`${c.facet}:${c.id}`, c]));

/**
 * Product names the lexicon does not know, written the way vendors write them ("SurgiNet",
 * "CareAware", "MPage"), are modules too: key "module:~surginet", label as written.
 */
export const UNKNOWN_MODULE = /(?<![\p{L}\p{N}])(?:\p{Lu}\p{Ll}+(?:\p{Lu}\p{Ll}*)+|\p{Ll}{1,2}\p{Lu}\p{L}+|\p{Lu}{1,2}\p{Lu}\p{Ll}{2,}\p{L}*)(?![\p{L}\p{N}])/gu;

const dynamicConcepts = new Map<string, Concept>();
const DYNAMIC_LIMIT = 10_000;

/** The key of an unknown product name; remembers how it was written, for labels. */
export function unknownModuleKey(written: string, folded: string): string {
  const key = `module:~${folded}`;
  if (!dynamicConcepts.has(key)) {
    if (dynamicConcepts.size >= DYNAMIC_LIMIT) dynamicConcepts.clear();
    dynamicConcepts.set(key, { facet: 'module', id: `~${folded}`, label: written, pattern: /$^/ });
  }
  return key;
}

/** The concept behind a feature key, including modules met only as unknown product names. */
export function conceptOf(key: string): Concept | undefined {
  const known = conceptById.get(key);
  if (known || !key.startsWith('module:~')) return known;
  const name = key.slice(8);
  // Known from an earlier report, or from a stored group in a fresh process: label from the folded name.
  if (!dynamicConcepts.has(key)) unknownModuleKey(name.charAt(0).toUpperCase() + name.slice(1), name);
  return dynamicConcepts.get(key);
}
