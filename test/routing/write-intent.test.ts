import { describe, expect, it } from 'vitest';
import { requestFirst, requestsIn, unservableCondition, writeIntentVerb } from '../../src/routing/write-intent.js';

describe('write intent said later in a command', () => {
  it.each([
    ['the note about the stale CRD, delete it', 'delete', 'delete the note about the stale CRD'],
    ["we don't need the stale crd note anymore, remove it", 'remove', 'remove the stale crd note'],
    ['stale crd note: please delete', 'delete', 'delete stale crd note'],
    ['could you, like, delete the stale crd note', 'delete', 'delete the stale crd note'],
    ['i think you should forget the stale crd note', 'forget', 'forget the stale crd note'],
    ['the stale crd note should be removed', 'remove', 'remove the stale crd note'],
    ['the stale CRD note can go', 'remove', 'remove the stale CRD note'],
    ['I want the note about the stale CRD gone', 'remove', 'remove the note about the stale CRD'],
    ['get the stale crd note out of here', 'remove', 'remove the stale crd note'],
    [
      'that note about the stale crd is wrong, fix it to say we keep it',
      'fix',
      'fix that note about the stale crd to say we keep it',
    ],
    ['the X note — get rid of it', 'get rid of', 'get rid of the X note'],
    ['can we get rid of the X note?', 'get rid of', 'get rid of the X note'],
    ['mind deleting the X note?', 'delete', 'delete the X note'],
    ['would it be possible to update the X note to say Y?', 'update', 'update the X note to say Y'],
    ["I'd rather you didn't keep the X note", 'forget', 'forget the X note'],
    ['the X note should no longer be remembered', 'forget', 'forget the X note'],
    ['the X note is obsolete, lose it', 'lose', 'lose the X note'],
    ['The user wants the X note deleted.', 'delete', 'delete the X note.'],
    ['The user wants the X note changed to: Y', 'change', 'change the X note to: Y'],
    ["We're done with it, so delete the X note", 'delete', 'delete the X note'],
    ["only delete the X note if it's mine", 'delete', 'delete the X note'],
    ["you'll want to delete the X note", 'delete', 'delete the X note'],
    ['quickly delete the X note', 'delete', 'delete the X note'],
    ['the X note is wrong: it should say Y', 'change', 'change the X note to: Y'],
    ['the X note is outdated, it should now say: Y', 'change', 'change the X note to: Y'],
  ])('"%s" asks to %s, and reads as "%s"', (said, verb, first) => {
    expect(writeIntentVerb(said)).toBe(verb);
    expect(requestFirst(said)).toBe(first);
  });

  it.each([
    'notes about how to delete a CRD',
    'recall how we drop old partitions',
    'notes about the change this week',
    'what did the fix that landed do?',
    'recall the outage, update log',
    'what changed in the deploy pipeline?',
    'remind me what we decided to remove from the release',
    'search for delete cascade',
    'reset procedure for driver tablet passwords?',
    'archive policy for bus CCTV footage?',
    'text of the SLA note',
    'remind me what the Wi-Fi note says',
    'send me the security digest',
    "don't delete the X note, just show it",
    'drop-in hours during exams?',
    'restore requests: where do they go?',
    'did I already delete the X note?',
    'which features do we no longer need?',
  ])('leaves a read that only mentions such a verb: "%s"', (said) => {
    expect(writeIntentVerb(said)).toBeUndefined();
    expect(requestFirst(said)).toBeUndefined();
  });

  it('refuses actions the service has none for, however they are asked', () => {
    expect(writeIntentVerb('could you text Marco the fare gateway postmortem?')).toBe('text');
    expect(writeIntentVerb('remind me tomorrow about the Wi-Fi certificate')).toBe('remind');
    expect(writeIntentVerb('shred the note on the vendor contact')).toBe('shred');
  });

  it.each([
    ['We will need to remove the X note', 'remove'],
    ["it'd be great if the X note were gone", 'gone'],
    ["ideally the X note wouldn't be around anymore", 'remove'],
    ['ideally the X note would say: Y', 'change'],
    ['the X note should mention Y too', 'change'],
    ['X note -> delete', 'delete'],
    ['X note: gone', 'remove'],
    ['🗑️ X note', 'delete'],
    ["I don't need the X note", 'remove'],
    ['no need for the X note anymore', 'remove'],
    ['the X note is no longer needed', 'remove'],
    ['s/90 days/120 days/ in the X note', 'change'],
    ['90 days → 120 days in the X note', 'change'],
  ])('refuses, rather than puts first, a request wished, in shorthand or of the future: "%s"', (said, verb) => {
    expect(writeIntentVerb(said)).toBe(verb === 'gone' ? 'remove' : verb);
    expect(requestFirst(said)).toBeUndefined();
  });

  it('counts the requests in a message: one at a time', () => {
    expect(requestsIn("The X note is stale. Please remove it. Also, what's new this week?")).toBe(2);
    expect(requestsIn('Thanks for the summary. The X note is stale. Please remove it.')).toBe(1);
    expect(requestsIn('that memo about the depot Wi-Fi? toss it')).toBe(1);
  });

  it('knows verbs of more than one word', () => {
    expect(writeIntentVerb('do away with the X note')).toBe('remove');
    expect(writeIntentVerb('bring back the X note')).toBe('restore');
    expect(writeIntentVerb('tidy up my notes')).toBe('clean up');
  });

  it.each([
    ['if the X note is out of date, remove it', 'if'],
    ['please delete the X note if polling day has passed', 'if'],
    ['Reminder for later: delete the X note', 'Reminder'],
    ['delete the X note... no wait, keep it', 'no wait'],
  ])('finds what cannot be served now in "%s"', (said, condition) => {
    expect(unservableCondition(said)).toBe(condition);
  });

  it('takes "if it\'s mine" for no condition, and a read for no write at all', () => {
    expect(unservableCondition("only delete the X note if it's mine")).toBeUndefined();
    expect(unservableCondition('what do we do if the build fails?')).toBeUndefined();
  });

  it('never touches the new text of a change', () => {
    expect(requestFirst('please change the X note to say only admins deploy')).toBe(
      'change the X note to say only admins deploy',
    );
    expect(requestFirst('can you update the X note to: are we live?')).toBe('update the X note to: are we live?');
  });

  it('leaves a command that opens with its verb as it is', () => {
    expect(writeIntentVerb('delete the stale crd note')).toBe('delete');
    expect(requestFirst('delete the stale crd note')).toBeUndefined();
  });
});
