# The cost of a JSONL of Chat Completions responses, as a jq user would write
# it: per-model prices in dollars per million tokens [input, cached input,
# output]; cached prompt tokens at the cached price, the rest at the input
# price, completion tokens (reasoning included) at the output price.
#   jq -n -f bench/cost.jq responses.jsonl
{
  "gpt-4o-mini-2024-07-18":  [0.15, 0.075, 0.6],
  "gpt-4o-2024-08-06":       [2.5,  1.25,  10],
  "gpt-4.1-mini-2025-04-14": [0.4,  0.1,   1.6],
  "gpt-4.1-2025-04-14":      [2,    0.5,   8],
  "gpt-4.1-nano-2025-04-14": [0.1,  0.025, 0.4],
  "gpt-3.5-turbo-0125":      [0.5,  0,     1.5],
  "o1-mini-2024-09-12":      [1.1,  0.55,  4.4],
  "o3-mini-2025-01-31":      [1.1,  0.55,  4.4]
} as $price
| reduce inputs as $r ({n: 0, prompt: 0, completion: 0, usd: 0};
    $price[$r.model] as $p
    | $r.usage as $u
    | ($u.prompt_tokens_details.cached_tokens // 0) as $c
    | .n += 1
    | .prompt += $u.prompt_tokens
    | .completion += $u.completion_tokens
    | .usd += (($u.prompt_tokens - $c) * $p[0] + $c * $p[1]
               + $u.completion_tokens * $p[2]) / 1000000)
| "total\t\(.n)\t\(.prompt)\t\(.completion)\t\(.usd)"
