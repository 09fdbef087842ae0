-- Placeholder keeping the migration numbers gap-free (runtime/migrate.ts refuses gaps) until the
-- ops branch's 00005 lands; delete this file then. It changes nothing.
select 1;
