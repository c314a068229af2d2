"""Every printed document of an event in one command (`flask documents render`), so anyone can look at them."""
