import { z } from 'zod';

/**
 * The component registry of the OpenAPI document: every schema registered here with an `id`
 * becomes a named component (`#/components/schemas/<id>`; request schemas get an `Input` suffix).
 */
export const apiRegistry = z.registry<{ id?: string; description?: string }>();
