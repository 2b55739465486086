# fish completion for gpt-cost(1)

function __gpt_cost_models
	gpt-cost --list 2>/dev/null | cut -f1
end

function __gpt_cost_providers
	echo auto
	gpt-cost --list-providers 2>/dev/null
end

complete -c gpt-cost -s B -l batch -d 'Apply the Batch API half price to every item'
complete -c gpt-cost -s b -l budget -x -d 'Exit 6 once the total passes USD'
complete -c gpt-cost -s M -l by-model -d 'A line per model instead of per item'
complete -c gpt-cost -s d -l date -x -d 'Price at this date (YYYY-MM-DD)'
complete -c gpt-cost -s h -l help -d 'Print a summary of the options'
complete -c gpt-cost -s j -l json -d 'One JSON object per line, then a total'
complete -c gpt-cost -s l -l ledger -r -F -d 'Append a line per item to a file'
complete -c gpt-cost -s L -l list -d 'List models and their prices per 1M tokens'
complete -c gpt-cost -l list-providers -d 'List the provider ids of the price table'
complete -c gpt-cost -s p -l prices -r -F -d 'Read the price table from a file'
complete -c gpt-cost -l provider -x -a '(__gpt_cost_providers)' -d 'Price as this provider'
complete -c gpt-cost -s t -l tee -d 'Copy the input to stdout, report on stderr'
complete -c gpt-cost -s T -l total -d 'Print only the total'
complete -c gpt-cost -s u -l unknown -x -a 'error skip zero' -d 'What to do with an unknown cost'
complete -c gpt-cost -l version -d 'Print the version'
complete -c gpt-cost -n '__fish_seen_argument -s L -l list' -x -a '(__gpt_cost_models)' -d 'Model'
