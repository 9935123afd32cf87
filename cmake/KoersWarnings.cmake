# koers_warnings(target): the project's own code builds warning-free.
function(koers_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
