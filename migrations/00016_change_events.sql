-- Live register: every committed change to an instrument leaves a `change_event` row,
-- written in the writer's own transaction by triggers — so the API, the CLI, the import and every
-- other write path are caught. Events carry ids, never field values; they are kept 24 h (the daily
-- job 'change-events'), and `purged_through` says up to which id rows may be gone, so a client
-- resuming from an older id gets a reset.
create table change_event (
  id bigserial primary key,
  kind text not null check (kind in ('created', 'updated', 'cycle', 'archived', 'restored', 'deleted')),
  equipment_id bigint not null,
  version integer,
  -- the instrument's department after the change; previous_department when it moved
  department text,
  previous_department text,
  user_id bigint,
  user_name text,
  at timestamptz not null default now()
);
create index change_event_at_idx on change_event (at);

create table change_event_meta (
  id boolean primary key default true check (id),
  purged_through bigint not null default 0
);
insert into change_event_meta (id) values (true);

-- The department each instrument was last announced in: a move is told as removed/added.
create table change_event_department (
  equipment_id bigint primary key,
  department text not null
);
insert into change_event_department (equipment_id, department)
select equipment_id, department from responsibility;

-- One event. Takes a transaction-wide lock first so that ids are handed out in commit order: a
-- reader that has seen id N has seen every committed id below it.
create function change_event_write(
  p_kind text, p_equipment bigint, p_version integer, p_department text, p_user bigint
) returns void language plpgsql as $$
declare
  previous text;
  actor bigint := coalesce(nullif(current_setting('deltica.actor', true), '')::bigint, p_user);
  new_id bigint;
begin
  perform pg_advisory_xact_lock(7230030);
  select department into previous from change_event_department where equipment_id = p_equipment;
  if p_kind = 'deleted' then
    delete from change_event_department where equipment_id = p_equipment;
  elsif p_department is not null then
    insert into change_event_department (equipment_id, department)
    values (p_equipment, p_department)
    on conflict (equipment_id) do update set department = excluded.department
    where change_event_department.department is distinct from excluded.department;
  end if;
  insert into change_event (kind, equipment_id, version, department, previous_department, user_id, user_name)
  select p_kind, p_equipment, p_version, coalesce(p_department, previous),
         case when previous is distinct from p_department and p_department is not null
              and p_kind <> 'created' then previous end,
         actor, (select coalesce(nullif(full_name, ''), username) from users where id = actor)
  returning id into new_id;
  perform pg_notify('deltica_changes', new_id::text);
end $$;

-- Runs at commit (deferred), when every section of the instrument has its final values.
create function change_event_equipment() returns trigger language plpgsql as $$
declare
  dept text;
  cur record;
  kind text;
begin
  select e.version, e.updated_by into cur from equipment e where e.id = new.id;
  if not found then return null; end if; -- deleted later in the same transaction
  select department into dept from responsibility where equipment_id = new.id;
  if tg_op = 'INSERT' then
    kind := 'created';
  elsif old.archived_at is null and new.archived_at is not null then
    kind := 'archived';
  elsif old.archived_at is not null and new.archived_at is null then
    kind := 'restored';
  elsif exists (select 1 from verification_history h
                where h.equipment_id = new.id and h.recorded_at = now()) then
    kind := 'cycle';
  else
    kind := 'updated';
  end if;
  perform change_event_write(kind, new.id, cur.version, dept, cur.updated_by);
  return null;
end $$;

create constraint trigger change_event_equipment_insert
  after insert on equipment
  deferrable initially deferred
  for each row execute function change_event_equipment();

-- every change a user makes bumps the version (or archives/restores); an update that touches
-- neither — the sort and search copies the register keeps on the row (00013) — is no event
create constraint trigger change_event_equipment_write
  after update on equipment
  deferrable initially deferred
  for each row
  when (old.version is distinct from new.version or old.archived_at is distinct from new.archived_at)
  execute function change_event_equipment();

-- Before the cascade takes the sections away: the department is still there to be told.
create function change_event_equipment_delete() returns trigger language plpgsql as $$
begin
  perform change_event_write('deleted', old.id, old.version,
    (select department from responsibility where equipment_id = old.id), old.updated_by);
  return old;
end $$;

create trigger change_event_equipment_delete
  before delete on equipment
  for each row execute function change_event_equipment_delete();
