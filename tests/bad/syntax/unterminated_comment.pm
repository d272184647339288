// expect: 4:1: error: unterminated block comment
data {
}
/* the model
model {
}
