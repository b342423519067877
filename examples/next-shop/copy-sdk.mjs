// Before `next build`: the SDK's engine and chunks are hosted as they are (public/vitrine/),
// with the shop's offer catalog (public/catalog.json). The README's "npm with a bundler" step.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const sdk = dirname(createRequire(import.meta.url).resolve('vitrine/vitrine.js'));
mkdirSync('public/vitrine', { recursive: true });
for (const file of readdirSync(sdk).filter((f) => f.endsWith('.js'))) cpSync(join(sdk, file), join('public/vitrine', file));
cpSync('catalog.json', 'public/catalog.json');
