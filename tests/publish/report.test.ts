/**
 * The report renders in headless Chromium (Debian's, never a downloaded browser) without console
 * errors or network requests, and shows every table, Figure 1, Moran's I by year and the maps.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../common/config';
import type { CellBasis } from '../../indicators';
import {
  columnBases,
  renderReport,
  spatialMaps,
  studyLayouts,
  syntheticBanner,
  writeReport,
} from '../../publish';
import { loadStudy } from '../../study';
import { launchChromium } from '../helpers/chromium';
import { handMadeRun, syntheticRows } from './fixtures';

describe('the HTML report in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every table, Figure 1, Moran by year and the maps, offline and without console errors', async () => {
    const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
    const rows = syntheticRows();
    const steps = handMadeRun(study, rows);
    const maps = spatialMaps(study, steps);
    const path = join(await mkdtemp(join(tmpdir(), 'report-')), 'report.html');
    await writeReport(path, {
      run: {
        runId: 'refresh-default-2024-abc',
        studyId: study.id,
        studyTitle: study.title,
        vintage: '2024',
        startedAt: '2026-11-29T01:00:00Z',
        finishedAt: '2026-11-29T01:00:20Z',
        inputs: [{ path: 'ceads/<odd & name>.xlsx', sha256: 'a'.repeat(64) }],
      },
      study,
      steps,
      rows,
      coverage: [{ variable: 'CI', observed: 270, interpolated: 0, missing: 60, missingCells: ['BJ/2020'] }],
      lisa: maps.lisa,
      effects: maps.effects,
      mapNotes: maps.notes,
    });

    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(path).href;
    await page.goto(url, { waitUntil: 'load' });

    expect(problems).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.title()).toBe(`${study.title} — refresh-default-2024-abc`);

    // Every table, each body row with one cell per column plus its label.
    const layouts = studyLayouts(study, steps);
    const shape = await page.$$eval('table.paper', (tables) =>
      tables.map((t) => ({
        id: t.getAttribute('data-table'),
        widths: [...t.querySelectorAll('tbody tr')].map((r) => r.children.length),
        blank: [...t.querySelectorAll('tbody td')].filter((c) => c.textContent === '').length,
      })),
    );
    expect(shape.map((s) => s.id)).toEqual(layouts.map((t) => t.id));
    shape.forEach((s, i) => {
      expect(new Set(s.widths), s.id!).toEqual(new Set([layouts[i].headers[0].length + 1]));
      // Only SE rows have an empty label cell; the only empty result cells are a column without that
      // kind of R² (OLS on the within row).
      const blankCells = layouts[i].rows
        .flatMap((r) => r.cells)
        .filter((c) => c.kind === 'text' && c.text === '');
      expect(s.blank, s.id!).toBe(layouts[i].rows.filter((r) => r.label === '').length + blankCells.length);
    });
    const table3 = await page.$$eval('table[data-table="table3"] tbody tr:first-child td', (c) =>
      c.map((x) => x.textContent),
    );
    expect(table3.slice(0, 3)).toEqual(['AIT', '-0.101***', '-0.102***']);

    // Figure 1: every province-year with both values is a point, and the fitted line is drawn.
    const complete = rows.filter((r) => typeof r.AIT === 'number' && typeof r.CI === 'number').length;
    expect(await page.locator('#figure1 circle.point').count()).toBe(complete);
    expect(await page.locator('#figure1 line.fit').count()).toBe(1);
    expect(await page.locator('#figure1 figcaption').textContent()).toMatch(
      /CI against AIT, 330 province-years/,
    );
    const box = await page.locator('#figure1 svg').boundingBox();
    expect(box!.width).toBeGreaterThan(300);

    // Moran's I by year: one line per Moran column (AIT and CI under W1), 11 years each.
    expect(await page.locator('#moran-by-year polyline').count()).toBe(2);
    expect(await page.locator('#moran-by-year circle').count()).toBe(22);

    // Maps: two LISA maps (CI, AIT) and an SDM effect map per matrix, 30 tiles each, plus the regions map.
    expect(await page.locator('figure.map.lisa').count()).toBe(2);
    expect(await page.locator('figure.map.effects').count()).toBe(3);
    expect(await page.locator('figure.map.effects').last().locator('g.tile').count()).toBe(30);
    expect(await page.locator('figure.map.lisa').first().locator('g.tile').count()).toBe(30);
    expect(await page.locator('figure.map.regions g.tile').count()).toBe(30);

    // Coverage and provenance, with text escaped rather than interpreted.
    expect(await page.locator('#coverage-table tbody tr').count()).toBe(1);
    expect(await page.getByText('ceads/<odd & name>.xlsx').count()).toBe(1);
    // No coverage line rests on a synthetic input: no banner.
    expect(await page.locator('#synthetic-banner').count()).toBe(0);
    await page.close();
  });

  it('a banner at the top names the variables that rest on synthetic inputs, and the tables name their columns', async () => {
    const study = loadStudy(join(PROJECT_ROOT, 'study', 'default-study.json'));
    const rows = syntheticRows();
    const steps = handMadeRun(study);
    const ai = 'synthetic/ai_patents_export.csv';
    // Every AIT-family value rests on the synthetic export; MAR is extrapolated in 2020–2021.
    const bases: Record<string, CellBasis> = {};
    for (const r of rows)
      for (const v of [
        'CI',
        'AIT',
        'AIT1',
        'AIT2',
        'AIT3',
        'EE',
        'IS',
        'MAR',
        'RE',
        'ED',
        'ER',
        'ECS',
        'WF',
        'OPEN',
        'ROBOT',
      ])
        bases[`${v}|${r.province}/${r.year}`] = {
          basis: v === 'MAR' && Number(r.year) >= 2020 ? 'extrapolated' : 'observed',
          synthetic: v.startsWith('AIT') ? [ai] : [],
        };
    const coverage = ['AIT', 'AIT1', 'CI'].map((variable) => ({
      variable,
      observed: 330,
      interpolated: 0,
      missing: 0,
      missingCells: [],
      syntheticInputs: variable === 'CI' ? [] : [ai],
    }));
    const html = renderReport({
      run: { runId: 'r', studyId: study.id, studyTitle: study.title },
      study,
      steps,
      rows,
      coverage,
      banner: syntheticBanner(coverage),
      bases: columnBases(study, bases, rows),
    });
    const path = join(await mkdtemp(join(tmpdir(), 'report-')), 'report.html');
    await writeFile(path, html);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    const banner = page.locator('#synthetic-banner');
    expect(await banner.textContent()).toBe(
      'Synthetic inputs: AIT, AIT1 (from synthetic/ai_patents_export.csv) rest on synthetic data, not on a real source. ' +
        'Every result that uses them illustrates the method and is not a finding; the table columns concerned are named in their notes.',
    );
    // At the top: visible without scrolling, right under the title.
    const box = (await banner.boundingBox())!;
    expect(box.y + box.height).toBeLessThan(300);
    await page.screenshot({ path: join(tmpdir(), 'aicarbon-report-banner.png') });
    // Table 3: columns (1)–(4) use AIT, (5)–(7) one of its layers; MAR's extrapolated values under Table 9.
    const notes3 = await page.locator('#table3 p.notes').allTextContents();
    expect(notes3).toContain(
      `Synthetic inputs — illustrative, not findings: columns (1), (2), (3), (4): AIT (${ai}); column (5): AIT1 (${ai}); column (6): AIT2 (${ai}); column (7): AIT3 (${ai}).`,
    );
    const notes9 = await page.locator('#table9 p.notes').allTextContents();
    expect(notes9).toContain('Not observed: MAR: 60 of 330 values extrapolated (columns (3), (4)).');
    // The proxies the study declares are named under the title.
    expect(await page.locator('#proxies').textContent()).toMatch(/^Proxies: ECS: /);
    await page.close();
  });
});
