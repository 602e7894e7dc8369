import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FailureIndex, isTicket, type FailureReport } from '../src/core/tally/tally.ts';
import { root } from './helpers.ts';

let clock = Date.parse('2026-11-12T05:30:00Z');
let seq = 0;
function report(text: string, user: string, site?: string): FailureReport {
  clock += 7 * 60_000;
  return { id: `r${++seq}`, text, user, site, ts: new Date(clock).toISOString() };
}

function tally(reports: FailureReport[]): FailureIndex {
  const index = new FailureIndex();
  for (const r of reports) index.add(r);
  return index;
}

/** The group ids the reports ended up in, in order. */
const groupsOf = (index: FailureIndex, reports: FailureReport[]) =>
  reports.map((r) => index.groups().find((g) => g.members.includes(r.id))!.id);

const BLANK_WRISTBANDS = [
  ['Armbandsskrivaren skriver ut tomma armband', 'u1', 'Avd 12'],
  ['The wristband printer only prints blank wristbands', 'u2', 'Avd 12'],
  ['ID-banden kommer ut helt vita från skrivaren', 'u3', 'Akuten'],
  ['tomma armband igen!! tredje gången idag', 'u1', 'Avd 12'],
  ['Wristbands come out of the Zebra with nothing printed on them', 'u4', 'BB'],
  ['Skrivaren för id-band ger bara blanka band, ingen text och ingen streckkod', 'u5', 'Akuten'],
  ['Blank wristbands from the printer again, we are writing names by hand', 'u6', 'BB'],
  ['Patientarmbanden blir tomma när vi skriver ut dem vid inskrivningen', 'u7', 'Avd 12'],
  ['Printer feeds out empty ID bands, replaced the roll, same thing', 'u8', 'Akuten'],
  ['armbanden är blanka, inget tryck alls', 'u9', 'BB'],
  ['Anyone else getting empty wristbands? No name, no barcode.', 'u10', 'Akuten'],
] as const;

describe('failure tally', () => {
  it('groups eleven differently worded reports of blank wristbands, from three units, into one ticket', () => {
    const reports = BLANK_WRISTBANDS.map(([text, user, site]) => report(text, user, site));
    const index = tally(reports);
    expect(new Set(groupsOf(index, reports)).size).toBe(1);
    const [group] = index.groups();
    expect(group!.count).toBe(11);
    expect(group!.users).toBe(10);
    expect(group!.sites.sort()).toEqual(['Akuten', 'Avd 12', 'BB']);
    expect(group!.label).toMatch(/^Wristband printer · .*blank/);
    expect(isTicket(group!)).toBe(true);
  });

  it('keeps one group as a failure is reported hundreds of times: the hundredth report is judged as the tenth', () => {
    // A go-live failure is reported again and again; a big group's centroid must not drift away from its own reports.
    const reports = Array.from({ length: 400 }, (_, i) => {
      const [text, , site] = BLANK_WRISTBANDS[i % BLANK_WRISTBANDS.length]!;
      return report(text, `u${i}`, site);
    });
    const index = tally(reports);
    expect(index.size).toBe(1);
    expect(index.groups()[0]!.count).toBe(400);
  });

  it('makes a ticket only from enough reports by enough people, and the threshold is configurable', () => {
    const index = new FailureIndex();
    const a = index.add(report('PowerChart fryser när jag öppnar en journal', 'u1')).group;
    index.add(report('PowerChart freezes every time I open a chart', 'u1'));
    expect(isTicket(a)).toBe(false); // two reports
    index.add(report('PowerChart hänger sig vid varje journalöppning', 'u1'));
    expect(a.count).toBe(3);
    expect(isTicket(a)).toBe(false); // one user
    index.add(report('Opening a chart makes PowerChart hang', 'u2'));
    expect(isTicket(a)).toBe(true);
    expect(isTicket(a, { minReports: 5 })).toBe(false);
    expect(isTicket(a, { minReports: 4, minUsers: 2 })).toBe(true);
    expect(isTicket(a, { minUsers: 3 })).toBe(false);
  });

  it('keeps confusable failures apart: same printer, different symptom', () => {
    const blank = [report('Armbandsskrivaren skriver ut tomma armband', 'u1'), report('Wristband printer prints blank bands', 'u2'), report('tomma id-band från skrivaren', 'u3')];
    const wrong = [
      report('Armbandsskrivaren skriver ut armband med fel patient', 'u4'),
      report('The wristband printer prints the previous patient’s name on the band', 'u5'),
      report('ID-bandet kom ut med en annan patients uppgifter', 'u6'),
    ];
    const index = tally([blank[0]!, wrong[0]!, blank[1]!, wrong[1]!, blank[2]!, wrong[2]!]);
    const b = groupsOf(index, blank);
    const w = groupsOf(index, wrong);
    expect(new Set(b).size).toBe(1);
    expect(new Set(w).size).toBe(1);
    expect(b[0]).not.toBe(w[0]);
  });

  it('keeps confusable failures apart: same symptom, different module', () => {
    const pc = [report('PowerChart fryser när jag öppnar en journal', 'u1'), report('PowerChart freezes when I open a chart', 'u2'), report('PowerChart hänger sig hela tiden', 'u3')];
    const fn = [report('FirstNet fryser när vi öppnar tavlan', 'u4'), report('FirstNet tracking board freezes again', 'u5'), report('FirstNet hänger sig hela tiden', 'u6')];
    const index = tally([pc[0]!, fn[0]!, pc[1]!, fn[1]!, pc[2]!, fn[2]!]);
    expect(new Set(groupsOf(index, pc)).size).toBe(1);
    expect(new Set(groupsOf(index, fn)).size).toBe(1);
    expect(groupsOf(index, pc)[0]).not.toBe(groupsOf(index, fn)[0]);
    expect(index.size).toBe(2);
  });

  it('joins reports that give the same error code, however they describe it, and not different codes', () => {
    const ora = [report('Får ORA-12541 när jag öppnar PowerChart', 'u1'), report('Login to FirstNet fails: ORA-12541 TNS no listener', 'u2'), report('ora-12541 igen', 'u3')];
    const other = report('Får ORA-01017 när jag loggar in i PowerChart', 'u4');
    const index = tally([...ora, other]);
    expect(new Set(groupsOf(index, ora)).size).toBe(1);
    expect(groupsOf(index, [other])[0]).not.toBe(groupsOf(index, ora)[0]);
    expect(index.groups()[0]!.label).toContain('ORA-12541');
  });

  it('meets words the lexicon lacks in a typo or another form, and does not join different things on "cannot save" alone', () => {
    // Neither "smärtskattning" (pain score) nor "nutritionsbedömning" is in the lexicon: only the words
    // and their spelling (character n-grams) tell the two failures apart, and tell a typo to join.
    const pain = [report('Smärtskattningen sparas inte i journalen', 'u1'), report('smärtskatningen försvinner när jag sparar', 'u2'), report('VAS-smärtskattning går inte att spara', 'u3')];
    const nutrition = [report('Nutritionsbedömningen sparas inte', 'u4'), report('nutritionsbedömning kan inte sparas, felmeddelande', 'u5')];
    const index = tally([pain[0]!, nutrition[0]!, pain[1]!, pain[2]!, nutrition[1]!]);
    expect(new Set(groupsOf(index, pain)).size).toBe(1);
    expect(new Set(groupsOf(index, nutrition)).size).toBe(1);
    expect(groupsOf(index, pain)[0]).not.toBe(groupsOf(index, nutrition)[0]);
  });

  it('needs more than a generic function and a weak symptom to join: "cannot open" two different documents stays two', () => {
    const dialysis = [report('Det går inte att öppna dialysprotokollet', 'u1'), report('dialysprotokollen går inte att öppna idag', 'u2')];
    const invoice = [report('Det går inte att öppna fakturaunderlaget', 'u3'), report('Fakturaunderlagen kan inte öppnas', 'u4')];
    const index = tally([dialysis[0]!, invoice[0]!, dialysis[1]!, invoice[1]!]);
    expect(index.size).toBe(2);
    expect(new Set(groupsOf(index, dialysis)).size).toBe(1);
    expect(groupsOf(index, dialysis)[0]).not.toBe(groupsOf(index, invoice)[0]);
  });

  it('groups the same way whatever the order the reports arrive in', () => {
    const freeze = [
      ['PowerChart fryser när jag öppnar en journal', 'u20'],
      ['PowerChart freezes every time I open a chart', 'u21'],
      ['Opening a chart makes PowerChart hang', 'u22'],
      ['powerchart hänger sig vid varje journalöppning', 'u23'],
    ] as const;
    const texts = [...BLANK_WRISTBANDS.map(([text, user]) => [text, user] as const), ...freeze];
    const partition = (order: number[]) => {
      const reports = order.map((i) => report(texts[i]![0], texts[i]![1]));
      const index = tally(reports);
      const groupOf = new Map(reports.map((r, k) => [order[k]!, index.groups().find((g) => g.members.includes(r.id))!.id]));
      // Which reports share a group, independent of the group ids.
      return texts.map((_, i) => texts.map((__, j) => groupOf.get(i) === groupOf.get(j)).join()).join('|');
    };
    const inOrder = texts.map((_, i) => i);
    const expected = partition(inOrder);
    expect(partition([...inOrder].reverse())).toBe(expected);
    expect(partition(inOrder.map((_, i) => (i * 7) % texts.length))).toBe(expected);
    expect(new Set(expected.split('|')).size).toBe(2);
  });

  it('weighs words the same after toJSON/fromJSON: how common each word is comes back from the centroids', () => {
    const index = tally([
      report('Smärtskattningen sparas inte i journalen', 'u1'),
      report('VAS-smärtskattning går inte att spara', 'u2'),
      report('Nutritionsbedömningen sparas inte', 'u3'),
      report('Citrix kopplar ner mig hela tiden', 'u4'),
      report('Citrix session keeps disconnecting mid-task', 'u5'),
      ...BLANK_WRISTBANDS.slice(0, 4).map(([text, user]) => report(text, user)),
    ]);
    const restored = FailureIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON())));
    for (const probe of ['smärtskattningen försvinner när jag sparar', 'Citrix-sessionen bryts igen', 'tomma armband från skrivaren', 'Tidboken går inte att öppna']) {
      const before = index.match(probe);
      const after = restored.match(probe);
      expect(after?.group.id).toBe(before?.group.id);
      if (before) expect(after!.similarity).toBeCloseTo(before.similarity, 3);
    }
  });

  it('keeps a group id as the group grows and across toJSON/fromJSON', () => {
    const index = new FailureIndex();
    const first = index.add(report('Etikettskrivaren skriver ut provetiketter snett, streckkoden hamnar utanför', 'u1', 'Avd 3'));
    expect(first.created).toBe(true);
    const id = first.group.id;
    expect(id).toMatch(/^F-[0-9a-f]{6}-\d+$/);
    expect(index.add(report('Specimen labels print misaligned, barcode half off the label', 'u2', 'Avd 4')).group.id).toBe(id);
    expect(index.add(report('provetiketterna blir förskjutna på etikettskrivaren', 'u3', 'Lab')).group.id).toBe(id);
    index.add(report('Citrix kopplar ner mig hela tiden', 'u4'));

    const stored = JSON.parse(JSON.stringify(index.toJSON()));
    const restored = FailureIndex.fromJSON(stored);
    expect(restored.size).toBe(2);
    const group = restored.get(id)!;
    expect(group.toJSON()).toEqual(index.get(id)!.toJSON());
    expect(group.label).toBe(index.get(id)!.label);
    const joined = restored.add(report('Label printer is misaligned, every specimen label is offset', 'u5', 'Avd 3'));
    expect(joined).toMatchObject({ created: false });
    expect(joined.group.id).toBe(id);
    expect(joined.group.count).toBe(4);
    // A new group after the restore gets a new sequence number, not a reused one.
    const fresh = restored.add(report('Tidboken går inte att öppna, felmeddelande', 'u6'));
    expect(fresh.created).toBe(true);
    expect(fresh.group.id.endsWith('-3')).toBe(true);
  });

  it('merges a group into another: one group with every report, which later reports of either kind join', () => {
    const index = tally([
      report('PowerChart öppnas utanför skärmen, vi ser bara ikonen i aktivitetsfältet', 'u1', 'Avd 12'),
      report('PowerChart opens off-screen since the second monitor was removed', 'u2', 'Avd 12'),
      report('Millenniumfönstret funkar inte, det är osynligt sedan den extra bildskärmen togs bort', 'u3', 'BB'),
      report('Millenniumfönstret är osynligt på receptionsdatorn, fungerar inte', 'u4', 'BB'),
      report('Citrix kopplar ner mig hela tiden', 'u5'),
    ]);
    expect(index.size).toBe(3);
    const [offScreen, invisible] = [index.match('PowerChart öppnas utanför skärmen')!.group, index.match('Millenniumfönstret är osynligt')!.group];
    expect(offScreen.id).not.toBe(invisible.id);

    const survivor = index.merge(invisible.id, offScreen.id)!;
    expect(survivor.id).toBe(offScreen.id);
    expect(index.size).toBe(2);
    expect(index.get(invisible.id)).toBeUndefined();
    expect(survivor).toMatchObject({ count: 4, users: 4, sites: ['Avd 12', 'BB'] });
    expect(index.merge(invisible.id, offScreen.id)).toBeUndefined();
    expect(index.merge(offScreen.id, offScreen.id)).toBeUndefined();
    // Either wording now finds the survivor, and so does the index rebuilt from its JSON.
    for (const probe of ['millenniumfönstret osynligt igen, funkar inte', 'PowerChart hamnar utanför skärmen igen']) {
      expect(index.match(probe)?.group.id).toBe(offScreen.id);
      expect(FailureIndex.fromJSON(JSON.parse(JSON.stringify(index.toJSON()))).match(probe)?.group.id).toBe(offScreen.id);
    }
    expect(index.add(report('Millenniumfönstret osynligt på expeditionen, funkar inte', 'u6', 'Akuten')).group.id).toBe(offScreen.id);
  });

  it('names the groups most like a group, most alike first, for people deciding what to merge', () => {
    const index = tally([
      report('Armbandsskrivaren skriver ut tomma armband', 'u1'),
      report('tomma armband igen från armbandsskrivaren', 'u2'),
      report('Armbandsskrivaren skriver ut förra patientens namn på armbandet', 'u3'),
      report('Citrix kopplar ner mig hela tiden', 'u4'),
    ]);
    const blank = index.match('Armbandsskrivaren skriver ut tomma armband')!.group;
    const similar = index.similar(blank.id);
    expect(similar.length).toBeGreaterThan(0);
    expect(similar.map((m) => m.group.id)).not.toContain(blank.id);
    expect(similar[0]!.group.label.toLowerCase()).toMatch(/wristband/);
    expect(similar.map((m) => m.group.label)).not.toContain(index.match('Citrix kopplar ner mig')!.group.label);
    expect(index.similar('F-nope-1')).toEqual([]);
  });
});

function lotsenTally(input: string, args = ['--json']): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(root, 'bin/lotsen.js'), 'tally', ...args], { cwd: root }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

describe('lotsen tally (CLI contract)', () => {
  const lines = [
    { id: 'a1', text: 'Armbandsskrivaren skriver ut tomma armband', user: 'anna', site: 'Avd 12', ts: '2026-11-12T06:00:00Z' },
    { id: 'a2', text: 'Wristband printer prints blank bands. Ring mig på 070-123 45 67', user: 'bo', site: 'Akuten', ts: '2026-11-12T07:00:00Z' },
    { id: 'b1', text: 'PowerChart fryser när jag öppnar en journal', user: 'anna', site: 'Avd 12', ts: '2026-11-12T06:30:00Z' },
    { id: 'a3', text: 'tomma id-band igen från skrivaren', user: 'anna', site: 'Avd 12', ts: '2026-11-12T08:15:00Z' },
  ];

  it('prints exactly {"clusters":[…]} with the contract fields', async () => {
    const { code, stdout, stderr } = await lotsenTally(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n\n`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['clusters']);
    expect(out.clusters).toHaveLength(2);
    const [wristbands, freeze] = out.clusters;
    expect(Object.keys(wristbands).sort()).toEqual(['count', 'first_seen', 'id', 'label', 'last_seen', 'members', 'sites', 'users']);
    expect(wristbands).toMatchObject({ members: ['a1', 'a2', 'a3'], count: 3, users: 2, first_seen: '2026-11-12T06:00:00Z', last_seen: '2026-11-12T08:15:00Z' });
    expect(wristbands.sites.sort()).toEqual(['Akuten', 'Avd 12']);
    expect(wristbands.id).toMatch(/^F-/);
    expect(wristbands.label).toMatch(/Wristband/);
    expect(freeze).toMatchObject({ members: ['b1'], count: 1, users: 1, sites: ['Avd 12'] });
  });

  it('names a bad line, exits 1 and prints nothing on stdout', async () => {
    const bad = [JSON.stringify(lines[0]), JSON.stringify({ id: 'x', text: 'PowerChart fryser', site: 'Avd 1', ts: '2026-11-12T06:00:00Z' })].join('\n');
    const missingUser = await lotsenTally(bad);
    expect(missingUser.code).toBe(1);
    expect(missingUser.stdout).toBe('');
    expect(missingUser.stderr).toMatch(/line 2: user/);

    const notJson = await lotsenTally(`${JSON.stringify(lines[0])}\n{"id": "y", text}\n`);
    expect(notJson.code).toBe(1);
    expect(notJson.stdout).toBe('');
    expect(notJson.stderr).toMatch(/line 2: is not JSON/);

    const badDate = await lotsenTally(JSON.stringify({ ...lines[0], ts: 'yesterday' }));
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/line 1: ts/);
  });

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await lotsenTally(lines.map((l) => JSON.stringify(l)).join('\n'), []);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^id\s+reports\s+users/);
    expect(stdout).toMatch(/Wristband printer/);
    expect(stdout).toMatch(/2 groups, 1 tickets/);
  });
});
