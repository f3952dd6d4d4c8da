/**
 * A tile-grid map of the 30 provinces: one square per province at a (column, row) that keeps each
 * province next to its neighbours, so a map needs no boundary file and every province is equally
 * visible. The layout is ours (hand-placed from the capitals' longitude and latitude).
 */
export const TILE_GRID: Record<string, [column: number, row: number]> = {
  HL: [9, 0],
  NM: [6, 1],
  JL: [9, 1],
  XJ: [2, 2],
  GS: [4, 2],
  NX: [5, 2],
  SX: [6, 2],
  BJ: [7, 2],
  TJ: [8, 2],
  LN: [9, 2],
  QH: [3, 3],
  SN: [5, 3],
  HA: [6, 3],
  HE: [7, 3],
  SD: [8, 3],
  SC: [4, 4],
  CQ: [5, 4],
  HB: [6, 4],
  AH: [7, 4],
  JS: [8, 4],
  SH: [9, 4],
  YN: [4, 5],
  GZ: [5, 5],
  HN: [6, 5],
  JX: [7, 5],
  ZJ: [8, 5],
  GX: [5, 6],
  GD: [6, 6],
  FJ: [7, 6],
  HI: [6, 7],
};
