-- Secret settings (the SMTP password) live apart from the other settings: a backup leaves this
-- table's rows out of the archive (runtime/backup/manifest.ts SKIP_DATA) and a restore keeps the
-- server's current rows. No reference to users: a restore must not lose the row with the users.
create table secrets (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

insert into secrets (key, value, updated_at)
select key, value, updated_at from settings where key = 'smtp_password';
delete from settings where key = 'smtp_password';
