/**
 * Source data for the MariaDB tests: a few MB with utf8mb4 emoji, JSON, binary, DATETIME(6),
 * TIMESTAMP, zero dates, DECIMAL, DOUBLE, NULLs and escapes; a view, trigger, procedure,
 * function and event with definers; `shop` is all InnoDB, `mixed` has a MyISAM table.
 */
export const MYSQL_SEED = String.raw`
create database shop character set utf8mb4 collate utf8mb4_unicode_ci;
use shop;
create table customers (
  id int auto_increment primary key,
  email varchar(190) not null unique,
  name varchar(100),
  bio text,
  profile json,
  avatar varbinary(64),
  created datetime(6) not null,
  seen timestamp null,
  birthday date,
  legacy_date date default '0000-00-00',
  balance decimal(14, 2),
  score double,
  mood enum('sad', 'ok', 'happy'),
  rank int
) engine = InnoDB;
create table orders (
  id bigint auto_increment primary key,
  customer_id int not null,
  placed datetime not null,
  total decimal(12, 2),
  note text,
  payload blob,
  foreign key (customer_id) references customers (id)
) engine = InnoDB;
create table events_log (at datetime(3), msg varchar(255), raw mediumblob) engine = InnoDB;
insert into customers (email, name, bio, profile, avatar, created, seen, birthday, balance, score, mood, rank)
select concat('user', seq, '@example.com'),
  if(seq % 7 = 0, null, concat('Ünïcødé 😀 ', seq, ' it''s')),
  if(seq % 5 = 0, null, concat('line one\nline two\ttab \\ backslash; semicolon ', repeat('x', seq % 200))),
  if(seq % 3 = 0, null, json_object('n', seq, 'emoji', '🚀', 'nested', json_array(seq, seq * 2))),
  if(seq % 4 = 0, null, unhex(md5(seq))),
  timestamp('2021-03-28 01:30:00.123456') + interval seq minute,
  if(seq % 6 = 0, null, timestamp('2022-01-01 00:00:00') + interval seq second),
  date('1970-01-01') + interval seq day,
  seq * 1.25, seq / 3, elt(1 + seq % 3, 'sad', 'ok', 'happy'), seq
from seq_1_to_5000;
update customers set birthday = '2020-00-00' where id = 3;
insert into orders (customer_id, placed, total, note, payload)
select 1 + seq % 5000, timestamp('2020-02-29 23:59:59') + interval seq second, (seq % 997) * 1.01,
  if(seq % 4 = 0, null, repeat('note ', seq % 60)), if(seq % 2 = 0, null, unhex(concat(md5(seq), md5(seq + 1))))
from seq_1_to_20000;
insert into events_log select now(3) - interval seq hour, concat('event ', seq), unhex(repeat(md5(seq), 8)) from seq_1_to_8000;
create view big_spenders as select c.email, sum(o.total) as spent from customers c join orders o on o.customer_id = c.id group by c.email;
delimiter ;;
create trigger orders_note before insert on orders for each row begin
  if new.note is null then set new.note = 'none; really'; end if;
end;;
create procedure order_count(in cid int, out n int) begin
  select count(*) into n from orders where customer_id = cid;
end;;
create function with_tax(x decimal(12, 2)) returns decimal(12, 2) deterministic return x * 1.2;;
create event nightly on schedule every 1 day do begin
  delete from events_log where at < now() - interval 1 year;
end;;
delimiter ;

create database mixed;
use mixed;
create table kept (id int primary key, v varchar(20)) engine = InnoDB;
create table counters (id int primary key, hits int) engine = MyISAM;
insert into kept values (1, 'a'), (2, 'b');
insert into counters values (1, 10), (2, 20);
`;

/** ~40 MB, for cutting the connection while the dump still streams. */
export const MYSQL_BIG_SEED = String.raw`
create database big;
use big;
create table bulk (id int primary key, body text) engine = InnoDB;
insert into bulk select seq, repeat(md5(seq), 40) from seq_1_to_30000;
`;
