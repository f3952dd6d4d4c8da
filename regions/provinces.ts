/**
 * The 30 provinces of the study and the mapping from every spelling seen in sources to a stable code.
 * The table is data (data/reference/provinces.csv, with its provenance in data/reference/README.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

export type Region = 'East' | 'Central' | 'West';

export interface Province {
  code: string;
  nameZh: string;
  nameEn: string;
  region: Region;
  capital: string;
  lat: number;
  lon: number;
}

const PROVINCES_CSV = fileURLToPath(new URL('../data/reference/provinces.csv', import.meta.url));

let cached: Province[] | undefined;

export function provinces(): Province[] {
  if (!cached) {
    const rows = parse(readFileSync(PROVINCES_CSV), { columns: true, bom: true }) as Record<string, string>[];
    cached = rows.map((r) => ({
      code: r.code,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      region: r.region as Region,
      capital: r.capital_en,
      lat: Number(r.lat),
      lon: Number(r.lon),
    }));
  }
  return cached;
}

export function provinceCodes(): string[] {
  return provinces().map((p) => p.code);
}

/** Extra spellings that the Chinese short name plus an administrative suffix does not cover. */
const ALIASES: Record<string, string> = {
  neimenggu: 'NM',
  neimongol: 'NM',
  innermongoliaautonomousregion: 'NM',
  guangxizhuangautonomousregion: 'GX',
  ningxiahuiautonomousregion: 'NX',
  xinjianguygurautonomousregion: 'XJ',
  xinjianguyghurautonomousregion: 'XJ',
  shanxiprovince: 'SX',
  shaanxiprovince: 'SN',
};

// Suffixes stripped before lookup; longest first so 壮族自治区 goes before 自治区.
const ZH_SUFFIXES = ['维吾尔自治区', '壮族自治区', '回族自治区', '自治区', '特别行政区', '省', '市'];
const EN_SUFFIXES = ['autonomousregion', 'municipality', 'province', 'city'];

/** Canonical key: NFKC (full-width to ASCII), no whitespace, no footnote marks, lower case. */
function key(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[*＊#†‡①-⑳()（）0-9]+$/u, '')
    .replace(/[*＊#†‡]/g, '')
    .replace(/['’-]/g, '')
    .toLowerCase();
}

let lookup: Map<string, string> | undefined;

function buildLookup(): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of provinces()) {
    m.set(key(p.code), p.code);
    m.set(key(p.nameZh), p.code);
    m.set(key(p.nameEn), p.code);
  }
  for (const [alias, code] of Object.entries(ALIASES)) m.set(alias, code);
  return m;
}

/**
 * Maps a province spelling (`北 京`, `北京市`, `Beijing`, `BEIJING`, `Inner Mongolia`, `内蒙古自治区`,
 * `Nei Mongol`, `InnerMongolia2019` is NOT accepted — strip years first) to its code, or undefined.
 */
export function provinceCode(raw: string): string | undefined {
  lookup ??= buildLookup();
  const k = key(raw);
  if (!k) return undefined;
  const direct = lookup.get(k);
  if (direct) return direct;
  for (const suffix of [...ZH_SUFFIXES, ...EN_SUFFIXES]) {
    if (k.endsWith(suffix) && k.length > suffix.length) {
      const hit = lookup.get(k.slice(0, -suffix.length));
      if (hit) return hit;
    }
  }
  return undefined;
}

export function provinceByCode(code: string): Province | undefined {
  return provinces().find((p) => p.code === code);
}
