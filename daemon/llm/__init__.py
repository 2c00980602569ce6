"""The language-model agent: local llama.cpp tool calling, cloud fallback, and the router."""
