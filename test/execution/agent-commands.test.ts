import { describe, expect, it } from 'vitest';
import type { PatternExecutionEngine } from '../../src/index.js';
import { createTestEngine, manualClock } from '../helpers/engine.js';

const DAY = 86_400_000;
// Sunday 6 December 2026, 20:00 UTC.
const NOW = Date.parse('2026-12-06T20:00:00Z');
const artemis = { agentId: 'artemis', timezone: 'UTC' };

/** Three of artemis's memories written 1, 2 and 20 days ago, and two of hermes's (one team, one private). */
async function seeded(): Promise<{ engine: PatternExecutionEngine; clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock(NOW);
  const engine = await createTestEngine({ clock: clock.now });
  const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();
  await engine.importMemories([
    { namespace: 'default', agentId: 'artemis', content: 'Deploys moved to Argo CD: we picked Argo CD for gitops', tags: ['deploy'], importance: 0.6, createdAt: at(1) },
    { namespace: 'default', agentId: 'artemis', content: 'Deploy pipeline perf: the build cache cut deploys to four minutes', tags: ['deploy', 'perf'], importance: 0.9, createdAt: at(2) },
    { namespace: 'default', agentId: 'artemis', content: 'Stale CRD left behind by the operator upgrade; delete it by hand', tags: ['k8s'], importance: 0.4, createdAt: at(20) },
    { namespace: 'default', agentId: 'hermes', content: 'Team rule: CRD versions follow the operator release', tags: ['k8s', 'perf'], accessLevel: 'team', createdAt: at(3) },
    { namespace: 'default', agentId: 'hermes', content: 'Private perf hunch about the deploy queue', tags: ['perf'], createdAt: at(1) },
  ]); // prettier-ignore
  return { engine, clock };
}

const contents = (result: { result: Record<string, unknown> | null }): string[] =>
  ((result.result?.['memories'] ?? []) as Array<{ content: string }>).map((m) => m.content);

const visibleCount = async (engine: PatternExecutionEngine, agentId: string) =>
  (await engine.searchMemories({ namespace: 'default', agentId }, { limit: 100 })).memories.length;

describe('time windows in commands', () => {
  it('restricts every read to the window named in words, and reports it', async () => {
    const { engine } = await seeded();
    const week = await engine.execute('anything about deploys from this week?', { context: artemis });
    expect(week.patternName).toBe('semantic_search');
    // Written this week (since Monday 30 November): never the memory of 20 days ago.
    expect(contents(week)).toContain('Deploy pipeline perf: the build cache cut deploys to four minutes');
    expect(contents(week).some((c) => c.startsWith('Stale'))).toBe(false);
    expect(week.metadata.window).toEqual({
      from: '2026-11-30T00:00:00.000Z',
      to: null,
      description: 'from this week',
      timezone: 'UTC',
    });

    const twoDays = await engine.execute('notes from the last 2 days', { context: artemis });
    expect(twoDays.patternName).toBe('list_memories');
    expect(contents(twoDays)).toEqual([
      'Deploys moved to Argo CD: we picked Argo CD for gitops',
      'Deploy pipeline perf: the build cache cut deploys to four minutes',
    ]);

    const since = await engine.execute('recall perf notes since last Monday', { context: artemis });
    expect(since.patternName).toBe('recall_memory');
    expect(contents(since).sort()).toEqual([
      'Deploy pipeline perf: the build cache cut deploys to four minutes',
      'Team rule: CRD versions follow the operator release',
    ]);
  });

  it('applies the window on the tag, importance, analysis, comparison and temporal paths too', async () => {
    const { engine } = await seeded();
    const cases: Array<[string, (r: Record<string, unknown>) => unknown, unknown]> = [
      ['recall items tagged k8s from the last week', (r) => r['count'], 1],
      ['show important memories before yesterday', (r) => r['count'], 1],
      ['analyze deploys in the last 24 hours', (r) => r['matched'], 1],
      ['compare deploys and crd since Dec 4', (r) => [(r['left'] as { matched: number }).matched, (r['right'] as { matched: number }).matched], [2, 0]],
      ['recent operator notes over the last 30 days', (r) => r['count'], 2],
      ['latest operator notes this week', (r) => r['count'], 1],
    ]; // prettier-ignore
    for (const [query, pick, expected] of cases) {
      const result = await engine.execute(query, { context: artemis });
      expect(result.success, query).toBe(true);
      expect(pick(result.result!), query).toEqual(expected);
      expect(result.metadata.window, query).toBeDefined();
    }
  });

  it("reads calendar words in the request's time zone, and keys the cache by it", async () => {
    const clock = manualClock(Date.parse('2026-12-06T14:00:00Z')); // Sunday 23:00 in Tokyo
    const engine = await createTestEngine({ clock: clock.now });
    await engine.execute('save note: sunday evening incident', { context: { agentId: 'a' } });
    clock.advance(90 * 60_000); // Sunday 15:30 in UTC, Monday 00:30 in Tokyo
    const utc = await engine.execute('recall incident notes from today', {
      context: { agentId: 'a', timezone: 'UTC' },
    });
    const tokyo = await engine.execute('recall incident notes from today', {
      context: { agentId: 'a', timezone: 'Asia/Tokyo' },
    });
    expect(utc.result!['count']).toBe(1);
    expect(tokyo.result!['count']).toBe(0);
    expect(tokyo.cacheHit).toBe(false);
    await expect(
      engine.execute('recall notes from today', { context: { agentId: 'a', timezone: 'Mars/Olympus' } }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringMatching(/context.timezone/) });
  });

  it('keeps the words of a write: a window in a stored note is content', async () => {
    const { engine } = await seeded();
    const stored = await engine.execute('save note: the freeze started last Monday', { context: artemis });
    expect(stored.patternName).toBe('store_memory');
    expect((stored.result!['memory'] as { content: string }).content).toBe('the freeze started last Monday');
    expect(stored.metadata.window).toBeUndefined();
  });

  it('lists a window or a tag named with no topic, in whatever words ask for it', async () => {
    const { engine } = await seeded();
    // Thursday 3 December: hermes's team rule only (his private note of Saturday never).
    for (const query of ['What do we have from Thursday?', 'and from Thursday?', 'show me the ones from Thursday']) {
      const result = await engine.execute(query, { context: artemis });
      expect(result, query).toMatchObject({ success: true, patternName: 'recall_memory' });
      expect(contents(result), query).toEqual(['Team rule: CRD versions follow the operator release']);
      expect(result.metadata.window, query).toMatchObject({ from: '2026-12-03T00:00:00.000Z' });
    }
    const tagged = await engine.execute('entries with the tag k8s', { context: artemis });
    expect(contents(tagged).sort()).toEqual([
      'Stale CRD left behind by the operator upgrade; delete it by hand',
      'Team rule: CRD versions follow the operator release',
    ]);
    expect(engine.explain('entries with the tag k8s').routing.reasoning).toMatch(/names tags \(k8s\) and no topic/);
    // A topic and a window with no verb: the topic searched in the window.
    const terse = await engine.execute('deploys this week', { context: artemis });
    expect(terse).toMatchObject({ success: true, patternName: 'recall_memory' });
    expect(contents(terse)).toEqual(
      expect.arrayContaining([
        'Deploy pipeline perf: the build cache cut deploys to four minutes',
        'Deploys moved to Argo CD: we picked Argo CD for gitops',
      ]),
    );
    expect(terse.metadata.window).toMatchObject({ from: '2026-11-30T00:00:00.000Z' });
    // A question with a topic goes to the search by meaning, which applies the window too.
    expect(engine.plan('what do we have on the operator from Thursday?')).toMatchObject({
      pattern: { name: 'semantic_search' },
    });
  });

  it('takes since and until in the structured search', async () => {
    const { engine } = await seeded();
    const scope = { namespace: 'default', agentId: 'artemis' };
    const { memories: recent } = await engine.searchMemories(scope, { since: '36h' });
    expect(recent.map((m) => m.content)).toEqual(['Deploys moved to Argo CD: we picked Argo CD for gitops']);
    // A day given as a date counts whole: until the 4th takes in all of the 4th.
    const { memories: older } = await engine.searchMemories(scope, {
      query: 'pipeline',
      until: '2026-12-04',
      timezone: 'UTC',
    });
    expect(older.map((m) => m.content)).toEqual(['Deploy pipeline perf: the build cache cut deploys to four minutes']);
    expect(
      (await engine.searchMemories(scope, { query: 'pipeline', until: '2026-12-03', timezone: 'UTC' })).memories,
    ).toEqual([]);
    await expect(engine.searchMemories(scope, { since: 'soonish' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});

describe('counts, tags, order and size', () => {
  it('counts what the agent may see, or its own when it says "my"', async () => {
    const { engine } = await seeded();
    const count = async (query: string) => (await engine.execute(query, { context: artemis })).result!['count'];
    expect(await count('count my notes tagged deploy')).toBe(2);
    expect(await count('how many notes do I have')).toBe(3);
    expect(await count('how many memories are tagged perf?')).toBe(2); // hermes's team note, never his private one
    expect(await count('how many notes about the operator')).toBe(2);
    expect(await count('how many notes since yesterday')).toBe(1);
    expect(await count('How many memories do I have tagged deploy?')).toBe(2);
    expect(await count('how many notes are tagged #perf?')).toBe(2);
  });

  it('checks the component a "show me" names, as "check … health" does', async () => {
    const { engine } = await seeded();
    const cache = await engine.execute('show me the status of the cache', { context: artemis });
    expect(cache.patternName).toBe('health_check');
    expect(Object.keys(cache.result!['checks'] as object)).toEqual(['cache']);
    const store = await engine.execute('show me the database status', { context: artemis });
    expect(Object.keys(store.result!['checks'] as object)).toEqual(['store']);
  });

  it('lists the tags in use with their counts', async () => {
    const { engine } = await seeded();
    const all = await engine.execute('what tags exist?', { context: artemis });
    expect(all.result!['tags']).toEqual([
      { tag: 'deploy', count: 2 },
      { tag: 'k8s', count: 2 },
      { tag: 'perf', count: 2 },
    ]);
    const ownTagged = await engine.execute('show my notes tagged perf', { context: artemis });
    expect(ownTagged.patternName).toBe('recall_by_tag');
    expect(contents(ownTagged)).toEqual(['Deploy pipeline perf: the build cache cut deploys to four minutes']);
    // "the tags I use": "I" is whose, not a tag's name.
    const used = await engine.execute('List the tags I use, with their counts', { context: artemis });
    expect(used.result).toMatchObject({ whose: 'own' });
    const mine = await engine.execute('show my tags', { context: artemis });
    expect(mine.result!['tags']).toEqual([
      { tag: 'deploy', count: 2 },
      { tag: 'k8s', count: 1 },
      { tag: 'perf', count: 1 },
    ]);
  });

  it('returns at most the number asked for, in the order asked for', async () => {
    const { engine } = await seeded();
    const newest = await engine.execute('the 1 newest note on deploys', { context: artemis });
    expect(contents(newest)).toEqual(['Deploys moved to Argo CD: we picked Argo CD for gitops']);
    const oldest = await engine.execute('my two oldest memories', { context: artemis });
    expect(contents(oldest)).toEqual([
      'Stale CRD left behind by the operator upgrade; delete it by hand',
      'Deploy pipeline perf: the build cache cut deploys to four minutes',
    ]);
    const important = await engine.execute('the most important things about deploys', { context: artemis });
    expect(contents(important)[0]).toBe('Deploy pipeline perf: the build cache cut deploys to four minutes');
    const singular = await engine.execute('the latest note about the operator', { context: artemis });
    expect(contents(singular)).toEqual(['Team rule: CRD versions follow the operator release']);
  });
});

describe('forget and change', () => {
  it('forgets the one clear match, says how to undo it, and a restore brings it back to full text and vectors', async () => {
    const { engine } = await seeded();
    const stale = 'Stale CRD left behind by the operator upgrade; delete it by hand';
    const before = await engine.execute('recall stale crd', { context: artemis });
    expect(contents(before)).toContain(stale);
    const forgot = await engine.execute('drop the memory about the stale CRD', { context: artemis });
    expect(forgot).toMatchObject({ patternName: 'forget_memory', success: true });
    expect(forgot.result).toMatchObject({ deleted: 1, undo: { restore: [expect.any(String)] } });
    // The read cached before the delete is never served again.
    const after = await engine.execute('recall stale crd', { context: artemis });
    expect(after.cacheHit).toBe(false);
    expect(contents(after)).not.toContain(stale);

    const [id] = (forgot.result!['undo'] as { restore: string[] }).restore;
    const restored = await engine.execute(`restore memory ${id}`, { context: artemis });
    expect(restored).toMatchObject({ patternName: 'restore_memory', success: true });
    expect(contents(await engine.execute('recall stale crd', { context: artemis }))).toContain(stale);
    const semantic = await engine.execute('find similar to stale operator crd', { context: artemis });
    expect(contents(semantic)[0]).toMatch(/^Stale CRD/);
  });

  it('deletes nothing when no single memory matches clearly, and lists the candidates', async () => {
    const { engine } = await seeded();
    const ambiguous = await engine.execute('forget the note about deploys', { context: artemis });
    expect(ambiguous).toMatchObject({ success: false, errorCode: 'AMBIGUOUS_TARGET' });
    const candidates = ambiguous.errorDetails!['candidates'] as Array<{ id: string; content: string }>;
    expect(
      candidates
        .slice(0, 2)
        .map((c) => c.content)
        .sort(),
    ).toEqual([
      'Deploy pipeline perf: the build cache cut deploys to four minutes',
      'Deploys moved to Argo CD: we picked Argo CD for gitops',
    ]);
    expect(await visibleCount(engine, 'artemis')).toBe(4);
    const none = await engine.execute('forget the note about kafka partitions', { context: artemis });
    expect(none).toMatchObject({ success: false, errorCode: 'MEMORY_NOT_FOUND' });
    const everything = await engine.execute('forget everything', { context: artemis });
    expect(everything).toMatchObject({ success: false, errorCode: 'VALIDATION_ERROR' });
    expect(await visibleCount(engine, 'artemis')).toBe(4);
  });

  it('reads the command inside the chat a person wraps it in, and never answers its write with a read', async () => {
    const { engine } = await seeded();
    const forgot = await engine.execute('hmm actually just forget the note about the stale CRD', { context: artemis });
    expect(forgot).toMatchObject({ patternName: 'forget_memory', success: true });
    const changed = await engine.execute('actually make the Argo CD note say we picked Flux', { context: artemis });
    expect(changed.result).toMatchObject({ memory: { content: 'we picked Flux' } });
    const counted = await engine.execute('quick count: notes tagged perf?', { context: artemis });
    expect(counted.result).toMatchObject({ count: 2 });
    const regarding = await engine.execute('re: the build cache, what do we know', { context: artemis });
    expect(contents(regarding)[0]).toBe('Deploy pipeline perf: the build cache cut deploys to four minutes');
    // Verbs the service has no action for are refused, never read.
    for (const query of ['export the deploy note to pdf', 'ok so make the deploy note shorter']) {
      await expect(engine.execute(query, { context: artemis }), query).rejects.toMatchObject({
        code: 'PATTERN_NOT_FOUND',
      });
    }
    expect(await visibleCount(engine, 'artemis')).toBe(3);
  });

  it.each([
    // What it says, and the usual nouns for a record.
    'please remove the memory stating that the stale CRD must be deleted by hand',
    'remove the notice about the stale CRD',
    // The other words people use, and "re:" for "about".
    'scratch the note about the stale CRD',
    'pls remove the note re: the stale CRD',
    // A request said after the memory it names.
    'the note about the stale CRD, delete it',
    'the stale CRD note should be removed',
  ])('forgets the one memory "%s" names', async (query) => {
    const { engine } = await seeded();
    const forgot = await engine.execute(query, { context: artemis });
    expect(forgot).toMatchObject({ patternName: 'forget_memory', success: true });
    expect(contents(forgot)).toEqual(['Stale CRD left behind by the operator upgrade; delete it by hand']);
  });

  it('refuses a delete under a condition, and one of something taken out of a place', async () => {
    const { engine } = await seeded();
    for (const query of [
      'if the stale CRD note is out of date, remove it',
      'delete the stale CRD note... no wait, keep it',
    ]) {
      await expect(engine.execute(query, { context: artemis }), query).rejects.toMatchObject({
        code: 'PATTERN_NOT_FOUND',
      });
    }
    const elsewhere = await engine.execute('remove the stale CRD note from the operator upgrade queue', {
      context: artemis,
    });
    expect(elsewhere).toMatchObject({ success: false, errorCode: 'VALIDATION_ERROR' });
    expect(await visibleCount(engine, 'artemis')).toBe(4);
  });

  it('never puts a part of a text in place of a whole memory', async () => {
    const { engine } = await seeded();
    for (const query of [
      'fix the date in the stale CRD note to Dec 12',
      "replace 'operator' with 'controller' in the stale CRD note",
    ]) {
      // Refused by the handler (an error result) or by the planner (thrown): either way, nothing changed.
      const code = await engine.execute(query, { context: artemis }).then(
        (result) => result.errorCode,
        (error: { code: string }) => error.code,
      );
      expect(['VALIDATION_ERROR', 'PATTERN_NOT_FOUND'], query).toContain(code);
    }
    const left = await engine.searchMemories({ namespace: 'default', agentId: 'artemis' }, { query: 'stale' });
    expect(left.memories[0]!.content).toBe('Stale CRD left behind by the operator upgrade; delete it by hand');
  });

  it('reads a command that only mentions deleting', async () => {
    const { engine } = await seeded();
    const read = await engine.execute('notes about how to delete the stale CRD', { context: artemis });
    expect(read).toMatchObject({ success: true, patternName: 'list_memories' });
    expect(contents(read)).toContain('Stale CRD left behind by the operator upgrade; delete it by hand');
    expect(await visibleCount(engine, 'artemis')).toBe(4);
  });

  it("never deletes another agent's team memory, by subject or by tag", async () => {
    const { engine } = await seeded();
    const theirs = await engine.execute('forget the note about crd versions and operator releases', {
      context: artemis,
    });
    expect(theirs).toMatchObject({ success: false, errorCode: 'FORBIDDEN' });
    const byTag = await engine.execute('remove every note tagged perf', { context: artemis });
    expect(byTag.result).toMatchObject({ tag: 'perf', deleted: 1, keptOfOthers: 1 });
    expect(await visibleCount(engine, 'hermes')).toBe(2);
    expect(await visibleCount(engine, 'artemis')).toBe(3);
  });

  it('changes the content of the one clear match, and keeps the old text to restore', async () => {
    const { engine } = await seeded();
    const changed = await engine.execute('change the Argo CD note to say we picked Flux for gitops', {
      context: artemis,
    });
    expect(changed).toMatchObject({ patternName: 'change_memory', success: true });
    expect(changed.result).toMatchObject({
      changed: 1,
      memory: { content: 'we picked Flux for gitops' },
      previous: { content: 'Deploys moved to Argo CD: we picked Argo CD for gitops' },
    });
    const id = (changed.result!['memory'] as { id: string }).id;
    const scope = { namespace: 'default', agentId: 'artemis' };
    expect((await engine.memoryHistory(scope, id))[0]!.memory.content).toMatch(/Argo CD/);
    await engine.restoreMemory(scope, id);
    expect((await engine.getMemory(scope, id)).content).toMatch(/Argo CD/);
    // No word for a memory, but "to say" leaves no doubt that a memory's text is to change.
    const unnamed = await engine.execute('update the build cache to say the build cache cut deploys to two minutes', {
      context: artemis,
    });
    expect(unnamed).toMatchObject({ patternName: 'change_memory', success: true });
    expect(unnamed.result).toMatchObject({ memory: { content: 'the build cache cut deploys to two minutes' } });
    // A window in the words naming the memory narrows the search for it; the new text keeps every word.
    const dated = await engine.execute('update the deploy note from yesterday to say deploys moved to Flux on Monday', {
      context: artemis,
    });
    expect(dated).toMatchObject({ patternName: 'change_memory', success: true });
    expect(dated.result).toMatchObject({
      memory: { content: 'deploys moved to Flux on Monday' },
      previous: { content: 'Deploys moved to Argo CD: we picked Argo CD for gitops' },
    });
    const vague = await engine.execute('update the note on deploys', { context: artemis });
    expect(vague).toMatchObject({ success: false, errorCode: 'VALIDATION_ERROR' });
  });

  it("renames a tag on the agent's own memories only", async () => {
    const { engine } = await seeded();
    const renamed = await engine.execute('rename tag k8s to kubernetes', { context: artemis });
    expect(renamed.result).toMatchObject({ from: 'k8s', to: 'kubernetes', renamed: 1 });
    const tags = await engine.execute('what tags exist?', { context: artemis });
    expect(tags.result!['tags']).toContainEqual({ tag: 'k8s', count: 1 }); // hermes's, untouched
    expect(tags.result!['tags']).toContainEqual({ tag: 'kubernetes', count: 1 });
  });

  it('never answers a write or delete verb with a read', async () => {
    const { engine } = await seeded();
    for (const query of [
      'drop the table users',
      'link memory alpha to beta',
      'please clear the cache',
      'mark the deploy note as done',
    ]) {
      await expect(engine.execute(query, { context: artemis }), query).rejects.toMatchObject({
        code: 'PATTERN_NOT_FOUND',
        message: expect.stringMatching(/nothing was changed/),
      });
    }
    expect(await visibleCount(engine, 'artemis')).toBe(4);
  });

  it('needs the agent role: a read-only plan of a forget says so', async () => {
    const { engine } = await seeded();
    expect(engine.plan('forget the stale crd note')).toMatchObject({ status: 'run', requiredRole: 'agent' });
    expect(engine.plan('forget the stale crd note')).toMatchObject({ cache: { enabled: false } });
    expect(engine.plan('how many notes')).toMatchObject({ requiredRole: 'readonly' });
  });
});
