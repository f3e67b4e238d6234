import type { Api } from '../api.js';
import { errorNote, h, LatestRequest, replace, scopeNote, statusPill, viewSection } from '../dom.js';
import { count, duration, ms, percent } from '../format.js';
import type { Me, PatternType, Stats, Timeline } from '../types.js';
import { CategoryBars, TimeChart } from './charts.js';

const POLL_MS = 2000;
const COLORS = {
  blue: '#2563eb',
  green: '#16a34a',
  amber: '#d97706',
  red: '#dc2626',
  violet: '#7c3aed',
  slate: '#64748b',
};
const LATENCY_CATEGORIES: Array<[string, PatternType | 'cache_hits']> = [
  ['infrastructure', 'infrastructure'],
  ['memory', 'memory'],
  ['hybrid', 'hybrid'],
  ['cache hits', 'cache_hits'],
];

interface Charts {
  rate: TimeChart;
  ratios: TimeChart;
  tokens: TimeChart;
  latency: CategoryBars;
}

/** Live figures of the caller's namespace (every namespace for admins), polled every two seconds. */
export class OverviewView {
  readonly element: HTMLElement;
  readonly #api: Api;
  readonly #latest = new LatestRequest();
  readonly #scope: HTMLElement;
  readonly #tiles: HTMLElement;
  readonly #health: HTMLElement;
  readonly #errors: HTMLElement;
  readonly #notice = h('div', { class: 'notice-slot' });
  readonly #chartSlots = {
    rate: h('div', { class: 'chart', 'data-testid': 'stats-chart' }),
    ratios: h('div', { class: 'chart' }),
    tokens: h('div', { class: 'chart' }),
    latency: h('div', { class: 'chart' }),
  };
  #charts: Charts | undefined;
  #timer: number | undefined;

  constructor(api: Api, me: Me) {
    this.#api = api;
    this.#scope = scopeNote(me.role === 'admin' ? 'Every namespace' : `Namespace ${me.namespace}`);
    this.#tiles = h('div', { class: 'tiles' });
    this.#health = h('div', { class: 'health', 'aria-live': 'polite' });
    this.#errors = h('div', { class: 'errors' });
    const card = (title: string, subtitle: string, slot: HTMLElement) =>
      h('section', { class: 'card chart-card' }, h('h3', null, title), h('p', { class: 'muted' }, subtitle), slot);
    this.element = viewSection(
      'overview',
      'Overview',
      [this.#scope, this.#health],
      this.#notice,
      this.#tiles,
      h(
        'div',
        { class: 'chart-grid' },
        card('Executions per second', 'Last 10 minutes, 5-second buckets', this.#chartSlots.rate),
        card('Success and cache-hit rates', 'Share of each bucket’s executions', this.#chartSlots.ratios),
        card('Tokens', 'Used by executions, saved by the cache, per 5 s', this.#chartSlots.tokens),
        card(
          'Latency by pattern type',
          'p50 and p95 of recent executed runs; cache hits apart',
          this.#chartSlots.latency,
        ),
      ),
      this.#errors,
    );
  }

  show(): void {
    void this.#refresh();
    this.#timer ??= window.setInterval(() => {
      if (!document.hidden) void this.#refresh();
    }, POLL_MS);
  }

  hide(): void {
    window.clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #refresh(): Promise<void> {
    const isLatest = this.#latest.begin();
    let stats: Stats;
    try {
      stats = await this.#api.stats();
    } catch (error) {
      if (isLatest()) replace(this.#notice, errorNote(error));
      return;
    }
    // A slow poll answered after a newer one would move the figures backwards.
    if (!isLatest()) return;
    replace(this.#notice);
    this.#scope.textContent = stats.namespace === null ? 'Every namespace' : `Namespace ${stats.namespace}`;
    this.#renderTiles(stats);
    this.#renderHealth(stats);
    this.#renderErrors(stats);
    this.#renderCharts(stats);
  }

  #renderTiles(stats: Stats): void {
    const perSecond = recentRate(stats.timeline, 12);
    const tile = (label: string, value: string, note: string) =>
      h(
        'div',
        { class: 'tile' },
        h('span', { class: 'tile-label' }, label),
        h('strong', null, value),
        h('span', { class: 'muted' }, note),
      );
    replace(
      this.#tiles,
      tile('Executions', count(stats.total_executions), `${perSecond.toFixed(2)}/s over the last minute`),
      tile('Success rate', percent(stats.success_rate), `${count(stats.failed_executions)} failed`),
      tile('Cache-hit rate', percent(stats.cache_hit_rate), `${count(stats.cache_hits)} hits`),
      tile('Tokens used', count(stats.tokens_used), `${count(stats.tokens_saved_by_cache)} saved by the cache`),
      tile('Uptime', duration(stats.uptime_seconds), `store: ${stats.store.backend}`),
    );
  }

  #renderHealth(stats: Stats): void {
    const { store, cache } = stats.health;
    replace(
      this.#health,
      statusPill(`Store (${stats.store.backend})`, store.status),
      statusPill('Cache', cache.status),
      Object.entries(cache.tiers).map(([tier, { status }]) => statusPill(tier.toUpperCase(), status)),
    );
  }

  #renderErrors(stats: Stats): void {
    const entries = Object.entries(stats.errors).sort((a, b) => b[1] - a[1]);
    replace(
      this.#errors,
      entries.length === 0
        ? null
        : h(
            'section',
            { class: 'card' },
            h('h3', null, 'Failures by error code'),
            h(
              'ul',
              { class: 'chips' },
              entries.map(([code, n]) => h('li', { class: 'chip' }, h('code', null, code), ` ${count(n)}`)),
            ),
          ),
    );
  }

  #renderCharts(stats: Stats): void {
    this.#charts ??= {
      rate: new TimeChart(
        this.#chartSlots.rate,
        [
          { label: 'executions', color: COLORS.blue, fill: true },
          { label: 'cache hits', color: COLORS.green },
          { label: 'failures', color: COLORS.red },
        ],
        (v) => `${+v.toFixed(2)}/s`,
      ),
      ratios: new TimeChart(
        this.#chartSlots.ratios,
        [
          { label: 'success', color: COLORS.green },
          { label: 'cache hits', color: COLORS.violet, dash: [6, 4] },
        ],
        (v) => `${Math.round(v)} %`,
        [0, 100],
      ),
      tokens: new TimeChart(
        this.#chartSlots.tokens,
        [
          { label: 'used', color: COLORS.amber, fill: true },
          { label: 'saved by the cache', color: COLORS.green, fill: true },
        ],
        (v) => count(v),
      ),
      latency: new CategoryBars(
        this.#chartSlots.latency,
        LATENCY_CATEGORIES.map(([label]) => label),
        [
          { label: 'p50', color: COLORS.blue, format: ms },
          { label: 'p95', color: COLORS.slate, format: ms },
        ],
        (v) => `${+v.toPrecision(2)} ms`,
      ),
    };
    // Completed buckets only: the one still filling would always read low.
    const t = completedBuckets(stats.timeline);
    const x = t.executions.map((_, i) => Date.parse(t.from) / 1000 + i * t.bucket_seconds);
    const perSecond = (values: number[]) => values.map((n) => n / t.bucket_seconds);
    const ratio = (part: number[]) => part.map((n, i) => (t.executions[i] ? (n / t.executions[i]!) * 100 : null));
    this.#charts.rate.update([
      x,
      perSecond(t.executions),
      perSecond(t.cache_hits),
      perSecond(t.executions.map((n, i) => n - t.successes[i]!)),
    ]);
    this.#charts.ratios.update([x, ratio(t.successes), ratio(t.cache_hits)]);
    this.#charts.tokens.update([x, t.tokens_used, t.tokens_saved]);
    const latency = (key: 'p50' | 'p95') =>
      LATENCY_CATEGORIES.map(([, type]) =>
        type === 'cache_hits' ? stats.latency_ms.cache_hits[key] : stats.latency_ms.by_type[type][key],
      );
    this.#charts.latency.update([LATENCY_CATEGORIES.map((_, i) => i), latency('p50'), latency('p95')]);
  }
}

type Columns = 'executions' | 'successes' | 'cache_hits' | 'tokens_used' | 'tokens_saved';

function completedBuckets(t: Timeline): Timeline {
  const drop = (values: number[]) => values.slice(0, -1);
  const columns: Columns[] = ['executions', 'successes', 'cache_hits', 'tokens_used', 'tokens_saved'];
  return { ...t, ...Object.fromEntries(columns.map((c) => [c, drop(t[c])])) };
}

/** Executions per second over the last `buckets` buckets, the one still filling included. */
function recentRate(t: Timeline, buckets: number): number {
  const lastStart = Date.parse(t.from) + (t.executions.length - 1) * t.bucket_seconds * 1000;
  const filling = Math.max(1, (Date.parse(t.until) - lastStart) / 1000);
  const recent = t.executions.slice(-buckets);
  return recent.reduce((sum, n) => sum + n, 0) / ((recent.length - 1) * t.bucket_seconds + filling);
}
