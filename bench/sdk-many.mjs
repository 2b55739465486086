// COUNT requests with the official openai SDK, CONC of them in flight at
// once, each answer's text on one line (the order of completion).
//   node bench/sdk-many.mjs COUNT CONC
import OpenAI from 'openai';

const count = Number(process.argv[2] ?? 1000);
const conc = Number(process.argv[3] ?? 50);
const client = new OpenAI();
const out = [];
let next = 0;

async function worker() {
	while (next < count) {
		const i = next++;
		const r = await client.chat.completions.create({
			model: 'gpt-4o-mini',
			messages: [{ role: 'user', content: `Question ${i + 1}` }],
		});
		out.push(r.choices[0].message.content);
	}
}

await Promise.all(Array.from({ length: conc }, worker));
process.stdout.write(out.join('\n') + '\n');
