// `npm run eval [-- <set>] [options]`: `retrieval` (the default; eval/retrieval.mjs) or `intents`
// (eval/intents.mjs). The set's own options follow its name.
const sets = new Set(['retrieval', 'intents']);
const named = sets.has(process.argv[2] ?? '') ? process.argv.splice(2, 1)[0] : 'retrieval';
await import(`./${named}.mjs`);
