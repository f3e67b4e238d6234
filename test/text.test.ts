import { describe, expect, it } from 'vitest';
import { withoutChatter } from '../src/text.js';

describe('withoutChatter', () => {
  it.each([
    ['hmm actually just forget the note about the amd warning', 'just forget the note about the amd warning'],
    ['ok so what did i jot down yesterday', 'what did i jot down yesterday'],
    ['fyi, looking for the icon style guide', 'looking for the icon style guide'],
    ['quick count: notes from today?', 'count: notes from today?'],
    ['re: certification, what do we know', 'what do we know about certification'],
    ['Task: delete the X note', 'delete the X note'],
    ['Agent, please remove the X note', 'please remove the X note'],
    ['[delete] audio version idea', 'delete audio version idea'],
    ["action=forget target='comment moderation queue'", 'forget comment moderation queue'],
    ['**delete** the X note', 'delete the X note'],
    ['`forget` the X note', 'forget the X note'],
    ['(delete the X note)', 'delete the X note'],
    ['@agent remove the X note', 'remove the X note'],
  ])('drops the chat before the command: "%s"', (said, command) => {
    expect(withoutChatter(said)).toBe(command);
  });

  it('keeps every word after the command starts, and text that is only chat', () => {
    expect(withoutChatter('save note: ok so the freeze is on, fyi')).toBe('save note: ok so the freeze is on, fyi');
    expect(withoutChatter('save note: use **pgbouncer** in `transaction` mode 🚀')).toBe(
      'save note: use **pgbouncer** in `transaction` mode 🚀',
    );
    expect(withoutChatter('ok')).toBe('ok');
    // A word that only begins like chat is no chat.
    expect(withoutChatter('right-size the cluster')).toBe('right-size the cluster');
    expect(withoutChatter('software notes')).toBe('software notes');
    expect(withoutChatter('well known issues')).toBe('well known issues');
    expect(withoutChatter('well, what about the freeze')).toBe('what about the freeze');
    expect(withoutChatter('quick sort notes')).toBe('quick sort notes');
  });
});
