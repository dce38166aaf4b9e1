// PLACEHOLDER: removed when the layer gets its first source file.
