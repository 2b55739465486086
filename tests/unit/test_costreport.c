/* lib/costreport.c: the lines of gpt-cost's report. */
#include <string.h>

#include "costreport.h"
#include "t.h"

int
main(void)
{
	struct buf b;
	struct cost_item it;
	struct cost_sum s;

	buf_init(&b, 1 << 16);
	memset(&it, 0, sizeof it);
	it.number = 3;
	it.line = 7;
	it.custom_id = "req\t1";
	it.model = "gpt-4o";
	it.provider = "openai";
	it.priced_as = "gpt-4o";
	it.when_ms = 1723000000000LL;
	it.has_tokens = 1;
	it.prompt = 1000;
	it.completion = 500;
	it.cost.input = MONEY_DOLLAR / 400;
	it.cost.output = MONEY_DOLLAR / 200;
	it.cost.total = it.cost.input + it.cost.output;

	report_item(&b, &it, REPORT_TSV);
	T_EQ_STR("3\treq 1\tgpt-4o\t1000\t500\t0.007500\n", b.data, "an item as TSV, a tab in a name made a space");
	report_item(&b, &it, REPORT_JSON);
	T_EQ_STR("{\"type\":\"item\",\"item\":3,\"line\":7,\"custom_id\":\"req\\t1\",\"model\":\"gpt-4o\","
	    "\"provider\":\"openai\",\"priced_as\":\"gpt-4o\",\"date\":\"2024-08-07\",\"batch\":false,"
	    "\"prompt_tokens\":1000,\"cached_tokens\":0,\"completion_tokens\":500,\"reasoning_tokens\":0,"
	    "\"input_usd\":0.002500,\"output_usd\":0.005000,\"cost_usd\":0.007500}\n", b.data,
	    "an item as JSON, the tab escaped");

	it.priced_as = NULL;
	it.why = "model \"x\" is not in the price table";
	it.has_tokens = 0;
	it.custom_id = NULL;
	report_item(&b, &it, REPORT_TSV);
	T_EQ_STR("3\t\tgpt-4o\t\t\tunknown\n", b.data, "an unknown cost in TSV");
	report_item(&b, &it, REPORT_JSON);
	T_OK(strstr(b.data, "\"custom_id\":null,") && strstr(b.data, "\"cost_usd\":null,\"unknown\":\"model \\\"x\\\" is not in the price table\"}"),
	    "an unknown cost in JSON is null, with the reason quoted");

	memset(&s, 0, sizeof s);
	s.model = "gpt-4o";
	s.items = 2;
	s.prompt = 3;
	s.completion = 4;
	s.cost = MONEY_DOLLAR / 1000000 * 15 / 100;
	report_sum(&b, &s, REPORT_TSV, 0);
	T_EQ_STR("gpt-4o\t2\t3\t4\t0.00000015\n", b.data, "a model's sums as TSV, all the digits");
	report_total(&b, &s, REPORT_TSV);
	T_EQ_STR("total\t\t\t3\t4\t0.00000015\n", b.data, "the total under the items, in their columns");
	report_sum(&b, &s, REPORT_JSON, 1);
	T_EQ_STR("{\"type\":\"total\",\"items\":2,\"unknown\":0,\"prompt_tokens\":3,\"completion_tokens\":4,"
	    "\"cost_usd\":0.00000015}\n", b.data, "the total as JSON");
	s.unknown = 2;
	report_sum(&b, &s, REPORT_TSV, 0);
	T_EQ_STR("gpt-4o\t2\t3\t4\tunknown\n", b.data, "a model with no known cost says unknown");
	buf_reset(&b);
	report_json_str(&b, "a\x01\"\\");
	T_EQ_STR("\"a\\u0001\\\"\\\\\"", b.data, "control bytes, quotes and backslashes are escaped");
	buf_release(&b);
	return t_done();
}
