import type { ActionHandler, ActionServices } from './action.js';
import { param, windowFilter } from './action.js';
import { readSubject } from './subject.js';

type ListingAction = 'count' | 'list_tags';

/** Most tags a listing returns. */
const MAX_TAGS = 100;

/** Counts and tags of the memories an agent may see ("my …": its own only), in a window when named. */
export function memoryListingActions(services: ActionServices): Record<ListingAction, ActionHandler> {
  return {
    async count(action) {
      const subject = readSubject(param(action, 'rest') ?? '');
      const { topic, tags, ownOnly } = subject;
      const count = await services.store.count(action.scope, {
        ...(topic !== '' && { text: topic, synonyms: services.lexicon.expansions(topic) }),
        ...(tags.length > 0 && { tags }),
        ...(ownOnly && { ownOnly }),
        ...windowFilter(action),
      });
      return {
        result: {
          count,
          ...(topic !== '' && { topic }),
          ...(tags.length > 0 && { tags }),
          whose: ownOnly ? 'own' : 'visible',
        },
      };
    },

    async list_tags(action) {
      const { ownOnly } = readSubject(action.text);
      const tags = await services.store.tagCounts(
        action.scope,
        { ...(ownOnly && { ownOnly }), ...windowFilter(action) },
        MAX_TAGS,
      );
      return { result: { count: tags.length, tags, whose: ownOnly ? 'own' : 'visible' } };
    },
  };
}
