# A string value shows in quotes: single ones unless the text holds a single quote and no double.
"plain"  # expect: 'plain'
"it's"  # expect: "it's"
'say "hi"'  # expect: 'say "hi"'
'both \' and "'  # expect: 'both \' and "'
"tab\there"  # expect: 'tab\there'
"line\nbreak"  # expect: 'line\nbreak'
"back\\slash"  # expect: 'back\\slash'
["it's", 'a']  # expect: ["it's", 'a']
