// The reference figures for gpt-cost: random Chat Completions responses
// priced by the genai-prices package's own calcPrice().
//
//   node calcprice.js gen PROVIDER COUNT SEED DIR
//       writes DIR/responses.jsonl (one response per line) and
//       DIR/expected.jsonl (per line: {"input","output","total"} in USD,
//       {"unknown": true} when calcPrice finds no price, or {"error": msg}
//       when it refuses the usage)
//   node calcprice.js compare DIR/expected.jsonl ACTUAL.jsonl
//       ACTUAL is `gpt-cost --json` of the responses; exits 1 listing every
//       item whose figures differ by more than a pico-dollar, or whose
//       outcome (priced, unknown, refused) is not the same.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { calcPrice, extractUsage, findProvider } = require('@pydantic/genai-prices');

// A small seeded generator (mulberry32), so a failure can be replayed.
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// Strings a model rule matches, to use as response model names.
function names(rule) {
	if (rule.equals) return [rule.equals];
	if (rule.starts_with) return [rule.starts_with, rule.starts_with + '-2024-08-06', rule.starts_with + '-20250101'];
	if (rule.ends_with) return ['x-' + rule.ends_with];
	if (rule.contains) return ['x-' + rule.contains + '-y'];
	if (rule.or) return rule.or.flatMap(names);
	if (rule.and) return rule.and.flatMap(names);
	return [];
}

function gen(providerId, count, seed, dir) {
	const r = rng(seed);
	const int = (n) => Math.floor(r() * n);
	const pick = (a) => a[int(a.length)];
	const provider = findProvider({ providerId });
	const ext = provider.extractors && provider.extractors.some((e) => e.api_flavor === 'chat')
		? provider : findProvider({ providerId: 'openai' });
	const pool = [];
	for (const m of provider.models) {
		pool.push(m.id, m.id.toUpperCase(), ...names(m.match));
		pool.push(m.id + '-2024-05-13', m.id + '-20240513');
	}
	pool.push('no-such-model', 'gpt-unknown-9', 'claude-nothing');
	const lo = Date.UTC(2023, 0, 1) / 1000, hi = Date.UTC(2027, 5, 1) / 1000;
	const responses = [], expected = [];
	for (let i = 0; i < count; i++) {
		const model = pick(pool);
		const big = r() < 0.1;
		const prompt = big ? 150000 + int(200000) : int(20000);
		const completion = int(big ? 50000 : 5000);
		const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
		const pd = {}, cd = {};
		const choose = (p) => r() < p;
		if (choose(0.6)) pd.cached_tokens = choose(0.03) ? prompt + 1 + int(10) : int(prompt + 1);
		if (choose(0.3)) pd.audio_tokens = choose(0.5) ? 0 : int(prompt + 1);
		if (choose(0.05)) pd.cache_write_tokens = int(prompt + 1);
		if (choose(0.6)) cd.reasoning_tokens = int(completion + 1);
		if (choose(0.3)) cd.audio_tokens = choose(0.5) ? 0 : int(completion + 1);
		if (Object.keys(pd).length) usage.prompt_tokens_details = pd;
		if (Object.keys(cd).length) usage.completion_tokens_details = cd;
		const created = lo + int(hi - lo);
		const resp = {
			id: 'chatcmpl-' + i, object: 'chat.completion', created, model,
			choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
			usage,
		};
		let e;
		try {
			const u = extractUsage(ext, resp, 'chat').usage;
			const res = calcPrice(u, model, { providerId, timestamp: new Date(created * 1000) });
			e = res ? { input: res.input_price, output: res.output_price, total: res.total_price, id: res.model.id }
				: { unknown: true };
		} catch (err) {
			e = { error: String(err.message || err) };
		}
		responses.push(JSON.stringify(resp));
		expected.push(JSON.stringify(e));
	}
	fs.writeFileSync(path.join(dir, 'responses.jsonl'), responses.join('\n') + '\n');
	fs.writeFileSync(path.join(dir, 'expected.jsonl'), expected.join('\n') + '\n');
}

function compare(expFile, actFile) {
	const exp = fs.readFileSync(expFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
	const act = new Map();
	for (const l of fs.readFileSync(actFile, 'utf8').trim().split('\n')) {
		if (!l) continue;
		const o = JSON.parse(l);
		if (o.type === 'item') act.set(o.item, o);
	}
	const bad = [];
	const close = (a, b) => Math.abs(Number(a) - b) <= 1e-12;
	let priced = 0, unknown = 0, refused = 0;
	exp.forEach((e, i) => {
		const a = act.get(i + 1);
		const n = i + 1;
		if (e.error) {
			refused++;
			if (a) bad.push(`item ${n}: calcPrice refuses (${e.error}) but gpt-cost priced it: ${JSON.stringify(a)}`);
		} else if (e.unknown) {
			unknown++;
			if (!a || a.cost_usd !== null) bad.push(`item ${n}: calcPrice has no price but gpt-cost says ${JSON.stringify(a)}`);
		} else {
			priced++;
			if (!a) bad.push(`item ${n}: gpt-cost did not price it; calcPrice: ${JSON.stringify(e)}`);
			else if (!close(a.cost_usd, e.total) || !close(a.input_usd, e.input) || !close(a.output_usd, e.output) || a.priced_as !== e.id)
				bad.push(`item ${n}: gpt-cost ${a.priced_as} ${a.input_usd} + ${a.output_usd} = ${a.cost_usd}; calcPrice ${e.id} ${e.input} + ${e.output} = ${e.total}`);
		}
	});
	for (const b of bad.slice(0, 20)) console.log(b);
	console.log(`${exp.length} items: ${priced} priced, ${unknown} unknown, ${refused} refused; ${bad.length} differ`);
	process.exit(bad.length ? 1 : 0);
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'gen') gen(args[0], Number(args[1]), Number(args[2]), args[3]);
else if (cmd === 'compare') compare(args[0], args[1]);
else {
	console.error('usage: calcprice.js gen PROVIDER COUNT SEED DIR | compare EXPECTED ACTUAL');
	process.exit(2);
}
