import type { ActionServices, ActionTable } from './action.js';
import { hybridActions } from './hybrid-actions.js';
import { infrastructureActions } from './infrastructure-actions.js';
import { memoryActions } from './memory-actions.js';
import { memoryChangeActions } from './memory-change-actions.js';
import { memoryListingActions } from './memory-listing-actions.js';

/** Every action a pattern can name, bound to the engine's services. */
export function allActions(services: ActionServices): ActionTable {
  return {
    ...infrastructureActions(services),
    ...memoryActions(services),
    ...memoryListingActions(services),
    ...memoryChangeActions(services),
    ...hybridActions(services),
  };
}
