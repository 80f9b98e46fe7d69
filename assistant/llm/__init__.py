"""LLM access: providers, the local llama.cpp server, prompts, structured output, tokens."""
