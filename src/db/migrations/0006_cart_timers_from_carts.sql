-- Cart-abandonment timers are no longer rows: an active cart (carts.state = 'active', updated_at) is its
-- own durable timer, scheduled again from the carts when the engine loads a store. The timers table
-- keeps the other kinds (workflow waits, later).
DELETE FROM timers WHERE kind = 'cart-abandonment';
