# The text and the model.
.choices[0].message.content + " (" + .model + ")"
