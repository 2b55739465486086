// Write the price database of the npm package @pydantic/genai-prices as
// one JSON array of providers, each as findProvider({providerId}) gives it.
//   node data/dump-genai-prices.mjs PACKAGE_DIR > genai-prices.json
// PACKAGE_DIR is the installed package (node_modules/@pydantic/genai-prices).
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
	process.stderr.write('usage: node dump-genai-prices.mjs PACKAGE_DIR\n');
	process.exit(2);
}
const require = createRequire(path.resolve(dir, 'package.json'));
const gp = require(path.resolve(dir));
const fs = require('node:fs');
const src = fs.readFileSync(path.resolve(dir, 'dist/index.cjs'), 'utf8');

// The package exports no list of providers, so take their ids from its
// embedded data and ask findProvider for each, in the package's order.
// Every provider has an api_pattern; its id is the nearest one before it.
const ids = [];
for (const m of src.matchAll(/api_pattern:"/g)) {
	const at = src.lastIndexOf('{id:"', m.index);
	const id = /^\{id:"([^"]+)"/.exec(src.slice(at));
	if (id)
		ids.push(id[1]);
}
const providers = [];
for (const id of new Set(ids)) {
	const p = gp.findProvider({ providerId: id });
	if (p && p.id === id)
		providers.push(p);
}
if (providers.length === 0) {
	process.stderr.write('dump-genai-prices: no providers found in ' + dir + '\n');
	process.exit(1);
}
process.stdout.write(JSON.stringify(providers));
