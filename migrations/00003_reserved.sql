-- Placeholder keeping the migration numbers gap-free (runtime/migrate.ts refuses gaps) while the
-- equipment API branch decides whether it needs 00003. Replace this file with that migration
-- if it lands; it changes nothing.
select 1;
