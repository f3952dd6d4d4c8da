/**
 * The taxonomy's rule (ingest/taxonomy.ts) applied to millions of records: a record's sub-technologies
 * as the bits of one integer, from its IPC fields and its title and abstract, with no regular
 * expression and no allocation per record.
 *
 * - IPC: each distinct IPC field (exports repeat the same ones endlessly) is split and normalised once,
 *   and its codes' prefix matches kept as a mask, in a bounded cache.
 * - Keywords: one pass over the text with an Aho–Corasick automaton of every keyword (a full table of
 *   transitions over the keywords' characters), instead of a search per keyword. The text is matched as
 *   `(title + ' ' + abstract).toLowerCase()` would read, without building it: ASCII letters are folded
 *   as they are read, and so are the few other characters whose lower case contains a keyword's
 *   character (the Kelvin sign K is `k`; İ is `i` and a combining dot). Any other character is either a
 *   keyword's character, unchanged by lower-casing, or cannot take part in a match whatever its case.
 *   A taxonomy for which that does not hold (keywords with characters outside the Basic Multilingual
 *   Plane, or a Greek sigma, whose lower case depends on the next letter) is matched the plain way:
 *   lower-case the text, then search for each keyword.
 * - The rule: sub-technology t is counted when its IPC matches and, for `ipc-and-keyword`, a keyword
 *   matches too; for `ipc-or-keyword`, when either does:
 *   `counted = (ipc & keywords) | ((ipc | keywords) & ~both)`.
 */
import { normalizeIpc, splitIpc, type Classification, type Layer, type Taxonomy } from './taxonomy';

export interface PatentClassifier {
  /** The sub-technologies in taxonomy order; bit i of a mask is technologies[i]. */
  technologies: { id: string; layer: Layer }[];
  /** Bits of the sub-technologies whose IPC prefixes one of the field's codes starts with. */
  ipcMask(field: string): number;
  /** Bits of the sub-technologies whose IPC prefixes one normalised code starts with. */
  codeMask(code: string): number;
  /** Bits of the sub-technologies one of whose keywords occurs in `title + ' ' + abstract`, any case. */
  keywordMask(title: string, abstract: string): number;
  /** The same for one text. */
  textMask(text: string): number;
  /** The sub-technologies a record is counted in, from its IPC and keyword masks (the rule above). */
  counted(ipc: number, keywords: number): number;
  /** Bits of each layer's sub-technologies. */
  layerMask: Record<Layer, number>;
}

/** Distinct IPC fields kept before the cache starts over (a real export has tens of thousands). */
const IPC_CACHE = 100_000;

export function patentClassifier(taxonomy: Taxonomy): PatentClassifier {
  const techs = taxonomy.layers.flatMap((l) =>
    l.technologies.map((t) => ({
      id: t.id,
      layer: l.id,
      both: t.rule === 'ipc-and-keyword',
      ipc: t.ipc.map(normalizeIpc),
      keywords: t.keywords.map((k) => k.toLowerCase()),
    })),
  );
  if (techs.length > 31)
    throw new Error(
      `taxonomy ${taxonomy.version}: ${techs.length} sub-technologies; the classifier's masks hold 31`,
    );
  let both = 0;
  const layerMask: Record<Layer, number> = { foundation: 0, technology: 0, application: 0 };
  techs.forEach((t, i) => {
    if (t.both) both |= 1 << i;
    layerMask[t.layer] |= 1 << i;
  });

  const codeMask = (code: string) => {
    let m = 0;
    techs.forEach((t, i) => {
      if (t.ipc.some((p) => code.startsWith(p))) m |= 1 << i;
    });
    return m;
  };
  const ipcCache = new Map<string, number>();
  const ipcMask = (field: string) => {
    let m = ipcCache.get(field);
    if (m === undefined) {
      if (ipcCache.size >= IPC_CACHE) ipcCache.clear();
      m = 0;
      for (const code of splitIpc(field)) m |= codeMask(code);
      ipcCache.set(field, m);
    }
    return m;
  };

  return {
    technologies: techs.map(({ id, layer }) => ({ id, layer })),
    ipcMask,
    codeMask,
    ...keywordMatcher(techs.map((t) => t.keywords)),
    counted: (ipc, keywords) => (ipc & keywords) | ((ipc | keywords) & ~both),
    layerMask,
  };
}

interface KeywordMatcher {
  keywordMask(title: string, abstract: string): number;
  textMask(text: string): number;
}

/**
 * Masks with bit i set when one of `keywords[i]` (lower case) occurs in
 * `(title + ' ' + abstract).toLowerCase()`, or in `text.toLowerCase()`.
 */
function keywordMatcher(keywords: string[][]): KeywordMatcher {
  // The alphabet: every UTF-16 unit of a keyword, numbered from 1 (0: any other unit).
  const symbol = new Uint16Array(65536);
  let symbols = 0;
  for (const ks of keywords)
    for (const k of ks) for (let j = 0; j < k.length; j++) symbol[k.charCodeAt(j)] ||= ++symbols;
  const inAlphabet = (s: string) => [...s].some((ch) => ch.length === 1 && symbol[ch.charCodeAt(0)] !== 0);
  const plain = keywords.some((ks) => ks.some((k) => /[\ud800-\udfff\u03c2\u03c3]/.test(k)));
  if (plain) return plainMatcher(keywords);

  // Units other than ASCII whose lower case holds a keyword's unit: read as their lower case.
  const fold = new Map<number, number[]>();
  for (let c = 0x80; c < 0x10000; c++) {
    if (c >= 0xd800 && c < 0xe000) continue; // surrogates: no keyword has them (checked above)
    const s = String.fromCharCode(c);
    const lower = s.toLowerCase();
    if (lower !== s && inAlphabet(lower))
      fold.set(
        c,
        [...lower].map((ch) => ch.charCodeAt(0)),
      );
  }
  const foldedUnit = new Uint8Array(65536);
  for (const c of fold.keys()) foldedUnit[c] = 1;

  // The trie, then failure links breadth first, then the full transition table (a DFA).
  const width = symbols + 1;
  const goto: number[][] = [new Array<number>(width).fill(-1)];
  const out: number[] = [0];
  keywords.forEach((ks, i) => {
    for (const k of ks) {
      let s = 0;
      for (let j = 0; j < k.length; j++) {
        const a = symbol[k.charCodeAt(j)];
        if (goto[s][a] < 0) {
          goto[s][a] = goto.length;
          goto.push(new Array<number>(width).fill(-1));
          out.push(0);
        }
        s = goto[s][a];
      }
      out[s] |= 1 << i;
    }
  });
  const states = goto.length;
  const delta = new Int32Array(states * width);
  const output = new Int32Array(states);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let a = 0; a < width; a++) {
    const t = goto[0][a];
    delta[a] = t > 0 ? t : 0;
    if (t > 0) queue.push(t);
  }
  output[0] = out[0];
  while (queue.length) {
    const s = queue.shift()!;
    output[s] = out[s] | output[fail[s]];
    for (let a = 0; a < width; a++) {
      const t = goto[s][a];
      if (t > 0) {
        fail[t] = delta[fail[s] * width + a];
        delta[s * width + a] = t;
        queue.push(t);
      } else delta[s * width + a] = delta[fail[s] * width + a];
    }
  }
  const space = symbol[32];

  // The automaton's state and the mask so far, across the title, the space and the abstract.
  let state = 0;
  let mask = 0;
  const read = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 65 && c <= 90) c += 32;
      } else if (foldedUnit[c] === 1) {
        for (const u of fold.get(c)!) {
          state = delta[state * width + symbol[u]];
          mask |= output[state];
        }
        continue;
      }
      state = delta[state * width + symbol[c]];
      mask |= output[state];
    }
  };
  return {
    keywordMask(title, abstract) {
      state = 0;
      mask = 0;
      read(title);
      state = delta[state * width + space];
      mask |= output[state];
      read(abstract);
      return mask;
    },
    textMask(text) {
      state = 0;
      mask = 0;
      read(text);
      return mask;
    },
  };
}

/** The same masks the plain way: lower-case the text, search for each keyword. */
function plainMatcher(keywords: string[][]): KeywordMatcher {
  const textMask = (text: string) => {
    const lower = text.toLowerCase();
    let mask = 0;
    keywords.forEach((ks, i) => {
      if (ks.some((k) => lower.includes(k))) mask |= 1 << i;
    });
    return mask;
  };
  return { keywordMask: (title, abstract) => textMask(`${title} ${abstract}`), textMask };
}

/**
 * One record's sub-technologies and layers by the taxonomy's rule, from its normalised IPC codes and
 * its text (for a few records; a layout classifying millions uses the masks of `patentClassifier`).
 */
export function classifier(taxonomy: Taxonomy): (ipc: string[], text: string) => Classification {
  const c = patentClassifier(taxonomy);
  return (ipc, text) => {
    let byIpc = 0;
    for (const code of ipc) byIpc |= c.codeMask(code);
    const counted = c.counted(byIpc, c.textMask(text));
    const technologies = c.technologies.filter((_, i) => counted & (1 << i));
    const layers = [...new Set(technologies.map((t) => t.layer))];
    return { technologies: technologies.map((t) => t.id), layers };
  };
}
