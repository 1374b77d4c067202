-- Console usernames are ASCII (app::auth::users::valid_username) and unique whatever their
-- case: "Admin" cannot sit beside "admin" and pass for them in the logs.
CREATE UNIQUE INDEX console_user_username_nocase ON console_user (username COLLATE NOCASE);
