import { FAMILY_NAME_LIST, GIVEN_NAME_LIST } from './name-lists.generated.ts';

/**
 * Common given names in Sweden (SCB's most frequent, both sexes, plus names common among staff and
 * patients from other countries) and in English. Used only to spot a full name without a cue word
 * ("Anna Karlsson har fått fel armband"); a name after a cue word ("patienten …") needs no list.
 */
const GIVEN = `
anna eva maria karin sara kristina lena emma kerstin marie malin ingrid hanna jenny annika linda birgitta
susanne elin inger ida monica johanna sofia elisabeth carina cecilia louise julia helena linnea ulla elsa
camilla katarina åsa anita sandra gunilla ebba matilda amanda josefin frida agnes alice maja wilma klara
lisa ellen astrid ella alma stina agneta marianne margareta ann britt gun siv yvonne jessica therese
charlotte caroline emelie emilia felicia hedda ines isabelle jasmine lovisa moa nora olivia saga signe
stella thea tilda vera ylva tove petra pia rebecka ronja sanna tina veronica viktoria mona lotta nina
erik lars karl anders johan per nils jan carl mikael hans peter lennart thomas gustav olof daniel fredrik
stefan bengt alexander magnus oskar bo andreas martin göran mats john mattias henrik jonas niklas sven
axel leif david björn ulf christer åke rolf kjell emil simon filip viktor anton william oliver lucas liam
hugo elias adam noah isak ludvig albin arvid elliot leo melvin theo vincent ville gunnar håkan kent
tommy roger jörgen patrik robert marcus tobias jesper joakim kristoffer sebastian rasmus jakob jacob
linus hampus gabriel samuel benjamin felix max alfred edvin sixten olle holger rune ingvar arne bertil
sture tage harald birger sten torbjörn urban ola tor tomas christian kim robin sam alex
ali mohammed mohamed ahmed hassan fatima amina aisha omar yusuf ibrahim mustafa mehmet zeynep layla
mariam sara hussein abdullah ahmad khalid reza leila nadia dragan milan zoran ana ivana
james mary michael jennifer william elizabeth richard susan joseph jessica charles sarah christopher karen
matthew nancy anthony lisa mark betty donald margaret steven sandra paul ashley andrew kimberly joshua
donna kenneth emily kevin michelle brian carol george amanda edward melissa ronald deborah timothy
stephanie jason rebecca jeffrey laura ryan helen jacob sharon gary cynthia nicholas kathleen eric amy
jonathan shirley stephen angela larry anna justin brenda scott pamela brandon nicole frank emma
gregory samantha raymond katherine patrick christine jack debra dennis rachel jerry catherine tyler carolyn
aaron janet jose ruth henry maria douglas heather peter diane adam virginia nathan julie zachary joyce
walter victoria kyle olivia harold kelly carl christina arthur lauren gerald joan roger evelyn keith judith
jeremy megan terry cheryl lawrence andrea sean hannah christian martha ethan jacqueline austin frances
joe gloria albert ann jesse kathryn willie teresa billy sara bruce janice bryan jean ralph alice roy
gösta gunnel birgit sigvard elsy barbro britta rut märta greta dagmar ingeborg hjördis inga sigrid svea
alf folke helge ivar tore valter yngve östen allan gert elof evert bror gustaf karl-erik lars-erik per-olof
maj-britt ulla-britt gun-britt ann-marie ann-sofie anna-karin anna-lena eva-lena karl-johan jan-erik
bertil sune nils-erik ingemar lennart göte åsa-lena majken elvira edit edith ester signe solveig sonja
gudrun irene iris irma laila lilian lillemor mari marita mats-olof mikaela nathalie pernilla rakel ruth
sylvia tova ulrika vanja vivianne vivi ylva gerd gull gunhild hillevi ingela ingrid ingegerd kajsa
katja lina liv lo majvor margit mia minna molly nellie selma siri smilla tyra vilma alva aina
pirjo tuula seppo jukka kari anneli marja raija leena hannu matti pekka timo sirpa riitta
mohammad muhammad ahmad hussein abdi abdullahi hamza yasin ayaan hodan fadumo ebrahim sara
zahra maryam hiba rana dana noor yara lana lina sami karim nabil tariq rami walid ziad
andrzej piotr katarzyna agnieszka tomasz marek jelena milica nikola stefan dejan goran vesna
björn-erik carl-axel hans-olof sven-erik leif-göran johnny kenny conny ronny benny jimmy micke
kalle pelle olle nisse bosse lasse janne affe göran stig sten ove owe roland rolf torsten ulf
gunilla christina kristin kristina birgitta malin magdalena madeleine marléne marlene rose-marie
`;

// Transliterated names from the largest groups born outside Europe (Syria, Iraq, Iran, Afghanistan,
// Somalia, Eritrea), which the generated lists only have in their own scripts.
const TRANSLITERATED = `
abbas abdirahman abdirizak abdulkadir abdullah abdulrahman abdul adel adnan afsaneh afshin ahmed aisha akram alaa
ali amal amani amin amina amir amira anas arash ardalan aref asad asma ayan ayesha azadeh aziz bahar bahman bashir
behnam behrouz bilal dariush darius dawit elham elnaz eyerusalem faisal farah farhad farid faris fariba farida
farzaneh fatemeh fatima fawzia filmon ghazal habib hadi hafsa hakim halima hamid hana hani haron hasan hassan
hawa hiba hussein ibrahim idris iman jamal jamila javad kamal kamran karim kawa khadija khaled khalid kidane
laila latifa layla leyla mahmoud majid malak manal mansour marwa masoud mehdi mehran mina mohsen mojtaba
mostafa muna mustafa nabil nadia nadir naser nasrin navid negar nima nour nura omid osman parisa parvin payam
rahel rahim ramin rania rashid reza roya rukia saba sadia saeed said salah salma sami samir sanaa saad shabnam
shirin sina soheila soraya suad sultan tesfaye tigist wahid walid yasmin yonas yosef youssef yusuf zainab zeinab
zohra zakaria hodan fadumo ayaan sahra deeqa warsame abdi abdiaziz guled hamdi ifrah luul mahad nimo sagal shukri
`;

export const GIVEN_NAMES: ReadonlySet<string> = new Set(
  [GIVEN, TRANSLITERATED, GIVEN_NAME_LIST].join(' ').split(/\s+/).filter(Boolean).flatMap((n) => [n, ...n.split('-')]),
);
export const FAMILY_NAMES: ReadonlySet<string> = new Set(FAMILY_NAME_LIST.split(/\s+/).filter(Boolean));

/** Endings that make a capitalised word very likely a family name (Swedish ones first). */
export const SURNAME_ENDING = /(?:s?son|ström|strom|berg|lund|qvist|kvist|gren|holm|dahl|blad|stedt|sjö|bäck|mark|feldt|fors|borg|vall|lind|ander|ius|löf|rot|hed|gård|hammar|bom|ić|vić|ovic|evic|zic|cic|jic|ski|ska|sky|wicz|czyk|escu|yan|oğlu|oglu|zadeh|poulos|elli|etti|nen|pour|ei|oui)$/i;
