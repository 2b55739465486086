// One prompt with the official openai SDK, printing the answer's text:
// the SDK's equivalent of gpt-msg | gpt-send | gpt-extract.
// OPENAI_BASE_URL and OPENAI_API_KEY come from the environment.
import OpenAI from 'openai';

const client = new OpenAI();
const r = await client.chat.completions.create({
	model: 'gpt-4o',
	messages: [
		{ role: 'system', content: 'You are an assistant.' },
		{ role: 'user', content: 'Hello!' },
	],
});
process.stdout.write(r.choices[0].message.content + '\n');
