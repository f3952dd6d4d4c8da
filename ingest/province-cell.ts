/** Turning a province label found in a source into a study code, or saying why not. */
import { InputError } from '../common/errors';
import { provinceCode } from '../regions/provinces';

/** Units sources list that are outside the study: skipped, never an error. */
const OUTSIDE_STUDY =
  /^(西藏|西藏自治区|tibet|xizang|香港|香港特别行政区|hongkong|澳门|澳门特别行政区|macau|macao|台湾|台湾省|taiwan|全国|中国|national|china|total|合计|总计)$/i;

/** Footnote rows that yearbooks and portal exports put under their tables. */
export function isFootnote(raw: unknown): boolean {
  return /^\s*(注|数据来源|资料来源|note|source)\s*[:：]/i.test(String(raw ?? ''));
}

export function studyProvince(raw: unknown, where: string): string | undefined {
  const text = String(raw ?? '')
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[*#†‡]+$/, '');
  if (!text) return undefined;
  if (OUTSIDE_STUDY.test(text)) return undefined;
  const code = provinceCode(text);
  if (!code)
    throw new InputError(
      `${where}: unknown province "${String(raw)}" (expected one of the 30 study provinces)`,
      where,
    );
  return code;
}

/** Regional aggregates some tables list between provinces: not provinces, not errors. */
const AGGREGATE = /^(东部|中部|西部|东北)(地区)?$|^(east|central|west|northeast)(ern)?(region)?$/i;
const squash = (s: string) => s.normalize('NFKC').replace(/[\s\u3000]+/g, '');

/**
 * A province label that may be bilingual (`北  京 Beijing`): the Chinese part, else the whole. A
 * regional aggregate or a unit outside the study gives undefined; an unknown name is an error.
 */
export function provinceLabel(raw: string, where: string): string | undefined {
  const flat = squash(raw);
  if (!flat || AGGREGATE.test(flat)) return undefined;
  const zh = raw.normalize('NFKC').replace(/[A-Za-z .'’-]+$/u, '');
  if (zh.trim() && zh.trim() !== raw.trim() && /\p{Script=Han}/u.test(zh)) {
    const z2 = squash(zh);
    if (AGGREGATE.test(z2)) return undefined;
    return studyProvince(z2, where);
  }
  return studyProvince(raw, where);
}
