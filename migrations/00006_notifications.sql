-- Recall notifications: an optional e-mail per user, and the record of every reminder sent, so a
-- restart or a second run never sends an instrument's reminder for the same due date and stage
-- to the same address twice.

alter table users add column email text
  check (email is null or (length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+$'));
create index users_email_idx on users (lower(email)) where email is not null;
-- responsible persons are matched to accounts by full name
create index users_full_name_idx on users (lower(trim(full_name)));

create table notification_sent (
  equipment_id bigint not null references equipment (id) on delete cascade,
  -- the due date the reminder was about: a new verification cycle starts a new series
  verification_due date not null,
  -- days before the due date (negative: after; -1 stands for "expired")
  stage integer not null,
  recipient text not null,
  sent_at timestamptz not null default now(),
  primary key (equipment_id, verification_due, stage, recipient)
);
create index notification_sent_at_idx on notification_sent (sent_at desc);
