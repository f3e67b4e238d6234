// Copies the non-TypeScript files the package ships (the pattern catalog) next to the compiled code.
import { copyFileSync, mkdirSync } from 'node:fs';

const assets = [['src/patterns/catalog.yaml', 'dist/patterns/catalog.yaml']];
for (const [from, to] of assets) {
  mkdirSync(new URL(`../${to}/..`, import.meta.url), { recursive: true });
  copyFileSync(new URL(`../${from}`, import.meta.url), new URL(`../${to}`, import.meta.url));
}
