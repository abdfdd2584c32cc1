"""Figure builders, one module per page. Each builder is cached on its inputs and the reader's language
(`st.cache_resource`: one figure object for every session that asks for the same one; nobody mutates it)."""
