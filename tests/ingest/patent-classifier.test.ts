/**
 * The one-pass classifier (ingest/patent-classifier.ts) against the taxonomy's rule as written in
 * ingest/taxonomy/ai-patents-v1.json and the layout applied it before (lower-case the joined title and
 * abstract, search each keyword; each IPC code against each prefix), transcribed here as the
 * reference: same sub-technologies and layers on every record of the bundled export, on every keyword
 * in every case and at the title/abstract join, and on taxonomies the fast matcher must hand to the
 * plain one. The application-number key read in one pass is the key of the normalised string.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import { classifier, loadTaxonomy, patentClassifier, splitIpc, type Taxonomy } from '../../ingest';
import { applicationFieldKey, ApplicationIndex } from '../../ingest/application-index';

/** The rule, as the layout applied it before the one-pass classifier. */
function reference(taxonomy: Taxonomy) {
  const techs = taxonomy.layers.flatMap((l) =>
    l.technologies.map((t) => ({
      id: t.id,
      layer: l.id,
      both: t.rule === 'ipc-and-keyword',
      ipc: t.ipc.map((p) => splitIpc(p)[0] ?? p),
      keywords: t.keywords.map((k) => k.toLowerCase()),
    })),
  );
  return (ipc: string[], text: string) => {
    const lower = text.toLowerCase();
    const technologies: string[] = [];
    const layers = new Set<string>();
    for (const t of techs) {
      const byIpc = ipc.some((code) => t.ipc.some((p) => code.startsWith(p)));
      if (!byIpc && t.both) continue;
      if ((byIpc && !t.both) || t.keywords.some((k) => lower.includes(k))) {
        technologies.push(t.id);
        layers.add(t.layer);
      }
    }
    return { technologies, layers: [...layers] };
  };
}

/** What the layout computes for a record through the masks, as ids and layers. */
function viaMasks(taxonomy: Taxonomy) {
  const c = patentClassifier(taxonomy);
  return (ipcMain: string, ipc: string, title: string, abstract: string) => {
    const counted = c.counted(c.ipcMask(ipcMain) | c.ipcMask(ipc), c.keywordMask(title, abstract));
    const technologies = c.technologies.filter((_, i) => counted & (1 << i));
    return {
      technologies: technologies.map((t) => t.id),
      layers: [...new Set(technologies.map((t) => t.layer))],
    };
  };
}

const taxonomy = loadTaxonomy();
const keywords = taxonomy.layers.flatMap((l) => l.technologies.flatMap((t) => t.keywords));
const prefixes = taxonomy.layers.flatMap((l) => l.technologies.flatMap((t) => t.ipc));

/** A keyword in the spellings a text may carry it. */
const spellings = (k: string) => [
  k,
  k.toUpperCase(),
  k.replace(/k/g, '\u212a'), // Kelvin sign: lower-cases to k, so it matches
  k.replace(/i/g, '\u0130'), // İ: lower-cases to i + U+0307, so it does not
  k.replace(/[a-z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)), // full width: no match
  k.slice(0, -1), // one character short: no match
];

describe('the one-pass classifier gives the layers of the taxonomy rule', () => {
  const ref = reference(taxonomy);
  const fast = viaMasks(taxonomy);
  const check = (ipcMain: string, ipc: string, title: string, abstract: string) =>
    expect(fast(ipcMain, ipc, title, abstract)).toEqual(
      ref([...splitIpc(ipcMain), ...splitIpc(ipc)], `${title} ${abstract}`),
    );

  it('on every record of the bundled export', () => {
    const text = readFileSync(`${PROJECT_ROOT}/data/sample/synthetic/ai_patents_export.csv`);
    const rows = parse(text, { comment: '#', relax_column_count: true }) as string[][];
    const [header, ...records] = rows;
    const at = (name: string) => header.indexOf(name);
    let ai = 0;
    for (const r of records) {
      const [m, all, title, abstract] = [
        r[at('IPC主分类')],
        r[at('IPC分类号')],
        r[at('标题')],
        r[at('摘要')],
      ];
      check(m, all, title, abstract);
      if (fast(m, all, title, abstract).technologies.length) ai += 1;
    }
    expect(records.length).toBeGreaterThan(17_000);
    expect(ai).toBeGreaterThan(1000); // the check saw AI records, not only misses
  });

  it('on every keyword in every case, inside text, at the title/abstract join, with and without IPC', () => {
    const codes = ['', 'A47J27/00', ...prefixes.map((p) => `${p}00`)];
    for (const k of keywords)
      for (const s of spellings(k))
        for (const code of [codes[0], codes[1], codes[2 + (k.length % prefixes.length)]]) {
          check(code, '', `一种基于${s}的方法`, '');
          check('', code, 'Title', `The ${s}.`);
          const at = s.indexOf(' ');
          if (at > 0) check(code, '', `A ${s.slice(0, at)}`, `${s.slice(at + 1)} unit`);
        }
    // The comparison saw matches, not only misses: each keyword, in either case, sets its bit.
    const c = patentClassifier(taxonomy);
    taxonomy.layers
      .flatMap((l) => l.technologies)
      .forEach((t, i) => {
        for (const k of t.keywords)
          for (const s of [k, k.toUpperCase(), k.replace(/k/g, '\u212a')])
            expect(c.keywordMask(`x${s}y`, '') & (1 << i), `${t.id}: ${s}`).not.toBe(0);
      });
  });

  it('on every IPC prefix, spelt as exports spell it, alone and combined', () => {
    for (const p of prefixes) {
      for (const code of [
        p,
        `${p}99`,
        p.toLowerCase(),
        p.replace(/^([A-H]\d{2}[A-Z])(\d)/, '$1 0$2'),
        p.slice(0, -1),
      ])
        check(code, `${code}; G06N3/08|A01B`, '一种方法', '');
      check('', `A47J27/00，${p}1；B65G`, 'smart sensor and lidar', 'big data');
    }
  });

  it('in classifier(), the API for a few records', () => {
    const classify = classifier(taxonomy);
    expect(classify(['G06N3/08'], '一种方法')).toEqual(ref(['G06N3/08'], '一种方法'));
    expect(classify(['G01S17/89'], 'LIDAR point cloud')).toEqual({
      technologies: ['sensors'],
      layers: ['foundation'],
    });
  });
});

describe('taxonomies the fast matcher hands to the plain one', () => {
  const custom = (keywords: string[]): Taxonomy => ({
    ...taxonomy,
    layers: [
      {
        id: 'foundation',
        name_zh: '基础层',
        technologies: [
          { id: 'x', name_zh: 'x', rule: 'ipc-or-keyword', ipc: ['Z99Z'], keywords, source: 'test' },
        ],
      },
    ],
  });

  it('a Greek sigma (its lower case depends on the next letter) and a character beyond the BMP', () => {
    for (const words of [['λογος', 'σοφία'], ['𝔸𝕀 chip']]) {
      const t = custom(words);
      const ref = reference(t);
      const fast = viaMasks(t);
      for (const text of ['ΛΟΓΟΣ', 'ΛΟΓΟΣ ΚΑΙ', 'ΣΟΦΊΑ', 'λογοσ', '𝔸𝕀 CHIP', '𝔸𝕀 chi'])
        expect(fast('', '', text, '')).toEqual(ref([], `${text} `));
    }
    expect(viaMasks(custom(['λογος']))('', '', 'ΛΟΓΟΣ', '').technologies).toEqual(['x']);
  });

  it('more sub-technologies than a mask holds is refused', () => {
    const many: Taxonomy = {
      ...taxonomy,
      layers: [
        {
          ...taxonomy.layers[0],
          technologies: Array.from({ length: 32 }, () => taxonomy.layers[0].technologies[0]),
        },
      ],
    };
    expect(() => patentClassifier(many)).toThrow("32 sub-technologies; the classifier's masks hold 31");
  });
});

describe('application numbers read in one pass', () => {
  /** The key of the normalised string, as the layout compared them before. */
  const slow = (field: string) => {
    const index = new ApplicationIndex();
    index.getOrSet(field.normalize('NFKC').toUpperCase().replace(/[\s.]/g, '').replace(/^CN/, ''), 1);
    return index;
  };
  it('give the key of the normalised number, or leave it to the string path', () => {
    const fields = [
      'CN201110000001.1',
      'cn 2011 1000 0001.1',
      '201110000001X',
      '201110000001x',
      '0123',
      '123',
      'C N123',
      '12345678901234',
      '123456789012345',
      'CNCN123',
      'CX123',
      '123X4',
      'X',
      'CN',
      'PCT/CN2011/000001',
      'ZL201110000001.1',
      '２０１１１０００００００１',
      '\u3000201110000001',
    ];
    for (const f of fields) {
      const key = applicationFieldKey(f);
      const index = slow(f);
      if (key === undefined) continue;
      // The one-pass key finds the entry the normalised string made, and nothing else does.
      expect(index.getOrSet(key, 2), f).toBe(1);
    }
    expect(fields.filter((f) => applicationFieldKey(f) !== undefined)).toEqual([
      'CN201110000001.1',
      'cn 2011 1000 0001.1',
      '201110000001X',
      '201110000001x',
      '0123',
      '123',
      'C N123',
      '12345678901234',
    ]);
    // Keys keep numbers apart that differ in leading zeros or the check character.
    const keys = ['0123', '123', '123X', '00123'].map((f) => applicationFieldKey(f));
    expect(new Set(keys).size).toBe(4);
  });
});
